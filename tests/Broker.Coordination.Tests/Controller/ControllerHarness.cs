using Broker.Coordination.Controller;
using Broker.Coordination.Controller.Requests;
using Broker.Coordination.ZNodes;
using Broker.TestKit;
using Broker.ZooKeeper;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Coordination.Tests.Controller;

/// <summary>
/// A cluster of fake brokers under a fresh chroot of the shared ZooKeeper: brokers are ephemeral
/// <c>/brokers/ids/&lt;id&gt;</c> nodes made (and removed, to "kill" them) by an admin session; controllers are real
/// <see cref="KafkaController"/>s, each on its own session. Not thread-safe; one per test.
/// </summary>
internal sealed class ControllerHarness : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly List<IAsyncDisposable> _owned = [];
    private readonly string _connectString;

    private ControllerHarness(string connectString, string chroot, int serverPort, KafkaZkStore admin)
    {
        _connectString = connectString;
        Chroot = chroot;
        ServerPort = serverPort;
        Admin = admin;
    }

    /// <summary>This harness's chroot on the shared server (a session through a proxy appends it to the proxy's address).</summary>
    public string Chroot { get; }

    /// <summary>The shared ZooKeeper's client port.</summary>
    public int ServerPort { get; }

    /// <summary>Store on the admin session: what tests (and fake partition leaders) read and write.</summary>
    public KafkaZkStore Admin { get; }

    public static async Task<ControllerHarness> StartAsync()
    {
        var server = await SharedZooKeeper.GetAsync();
        string chroot = "/c-" + Guid.NewGuid().ToString("N")[..10];
        await using (var root = NewClient(server.ConnectString))
        {
            await root.ConnectAsync();
            await root.CreateAsync(chroot, ReadOnlyMemory<byte>.Empty);
        }

        var connectString = server.ConnectString + chroot;
        var client = NewClient(connectString);
        await client.ConnectAsync();
        var harness = new ControllerHarness(connectString, chroot, server.Port, new KafkaZkStore(client));
        harness._owned.Add(client);
        await harness.Admin.EnsurePersistentPathsAsync();
        return harness;
    }

    /// <summary>A new, connected session on the harness's chroot (the caller disposes it), optionally through
    /// another address (a fault proxy) and with another session timeout.</summary>
    public async Task<ZooKeeperClient> ConnectAsync(string? server = null, TimeSpan? sessionTimeout = null)
    {
        var client = NewClient(server is null ? _connectString : server + Chroot, sessionTimeout);
        await client.ConnectAsync();
        return client;
    }

    private static ZooKeeperClient NewClient(string connectString, TimeSpan? sessionTimeout = null) => new(new ZooKeeperClientOptions
    {
        ConnectString = connectString,
        SessionTimeout = sessionTimeout ?? TimeSpan.FromSeconds(6),
        ConnectionTimeout = TimeSpan.FromSeconds(15),
    });

    /// <summary>Registers a fake broker; returns its broker epoch (czxid).</summary>
    public Task<long> RegisterBrokerAsync(int id) =>
        Admin.RegisterBrokerAsync(new BrokerIdZNode(id, [new BrokerEndpoint("PLAINTEXT", "localhost", 9000 + id)], null, 0));

    public Task KillBrokerAsync(int id) => Admin.Client.DeleteAsync(BrokerIdZNode.PathOf(id));

    /// <summary>Starts a controller candidate for <paramref name="brokerId"/> on its own session.</summary>
    /// <param name="configure">Runs on the controller before it starts (test hooks).</param>
    /// <param name="channel">Receives the controller's requests to brokers (a recording fake), or none.</param>
    public async Task<KafkaController> StartControllerAsync(int brokerId, ControllerOptions? options = null, TimeProvider? time = null,
        Action<KafkaController>? configure = null, IControllerChannel? channel = null)
    {
        var client = NewClient(_connectString);
        await client.ConnectAsync();
        var controller = new KafkaController(new KafkaZkStore(client), options ?? new ControllerOptions(brokerId) { AutoLeaderRebalance = false },
            time ?? TimeProvider.System, NullLogger<KafkaController>.Instance, channel);
        _owned.Add(client);
        _owned.Add(controller); // disposed before its client (reverse order)
        configure?.Invoke(controller);
        controller.Start();
        return controller;
    }

    public async Task<KafkaController> StartActiveControllerAsync(int brokerId, ControllerOptions? options = null, TimeProvider? time = null,
        IControllerChannel? channel = null)
    {
        var controller = await StartControllerAsync(brokerId, options, time, channel: channel);
        await Poll.UntilAsync(() => controller.IsActive, Timeout, $"broker {brokerId} to become the controller");
        return controller;
    }

    public Task CreateTopicAsync(string topic, Dictionary<int, int[]> assignment, Dictionary<string, string>? config = null) =>
        Admin.CreateTopicAsync(new TopicZNode(topic, null, assignment), config ?? new Dictionary<string, string>());

    public async Task<PartitionStateRead?> ReadAsync(string topic, int partition) => await Admin.GetPartitionStateAsync(topic, partition);

    /// <summary>Polls the partition's state znode until <paramref name="condition"/> holds; returns that state.</summary>
    public async Task<PartitionStateRead> WaitForStateAsync(string topic, int partition, Func<PartitionStateZNode, bool> condition, string what)
    {
        PartitionStateRead? last = null;
        try
        {
            await Poll.UntilAsync(async () => (last = await ReadAsync(topic, partition)) is { } s && condition(s.State), Timeout, $"{topic}-{partition}: {what}");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}; last state {Describe(last?.State)}", ex);
        }

        return last!;
    }

    public Task<PartitionStateRead> WaitForLeaderAsync(string topic, int partition, int leader) =>
        WaitForStateAsync(topic, partition, s => s.Leader == leader, $"leader {leader}");

    /// <summary>What a partition leader does after changing its ISR: compare-and-set, then notify the controller.</summary>
    public async Task<int> LeaderSetsIsrAsync(string topic, int partition, params int[] isr)
    {
        var current = await ReadAsync(topic, partition) ?? throw new InvalidOperationException("no state");
        int version = await Admin.TryUpdatePartitionStateAsync(topic, partition, current.State with { Isr = isr }, current.ZkVersion)
            ?? throw new InvalidOperationException("conflict");
        await Admin.NotifyIsrChangeAsync([(topic, partition)]);
        return version;
    }

    /// <summary>Waits until the controller has consumed every ISR change notification (it deletes them after re-reading).</summary>
    public Task WaitForIsrNotificationsProcessedAsync() =>
        Poll.UntilAsync(async () => (await Admin.GetIsrChangeNotificationsAsync(null)).Count == 0, Timeout, "ISR change notifications to be processed");

    public static string Describe(PartitionStateZNode? s) =>
        s is null ? "none" : $"leader {s.Leader} epoch {s.LeaderEpoch} isr [{string.Join(",", s.Isr)}] controller epoch {s.ControllerEpoch}";

    public async ValueTask DisposeAsync()
    {
        for (int i = _owned.Count - 1; i >= 0; i--) await _owned[i].DisposeAsync();
    }
}
