using Broker.Protocol;
using Broker.Server.Cluster;
using Broker.Server.Configuration;
using Broker.Server.Partitions;
using Broker.Server.Requests;
using Broker.Server.Topics;
using Broker.Storage.Log;
using Broker.TestKit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Broker.Server.Tests.InMemory;

/// <summary>
/// A single-broker Server layer (the real composition of <see cref="ServiceCollectionExtensions.AddBroker"/>, with
/// <see cref="LocalTopicManager"/>) in the test process, as Kestrel's in-memory functional tests: no sockets, no
/// listeners, a fake clock. Logs live in a temporary folder removed on dispose. Clients connect through in-memory
/// pipes into the real <see cref="KafkaConnectionHandler"/> frame loop. Background loops (retention, group
/// coordinator start-up) are not started; tests drive them.
/// </summary>
internal sealed class InMemoryBroker : IAsyncDisposable
{
    private readonly TempDirectory _dir = new("in-memory-broker");
    private readonly ServiceProvider _services;
    private readonly List<InMemoryClient> _clients = [];
    private long _connectionIds;

    private InMemoryBroker(IEnumerable<string> overrides)
    {
        string properties = $"""
            broker.id=0
            log.dirs={_dir.Path}
            num.partitions=1
            group.initial.rebalance.delay.ms=0
            """;
        var config = BrokerConfig.FromEntries(
            PropertiesFile.Parse(properties, "in-memory.properties").Concat(overrides.Select(PropertiesFile.ParseOverride)), out _);
        var services = new ServiceCollection().AddLogging().AddBroker(config);
        services.AddSingleton<TimeProvider>(Time); // the last registration wins
        _services = services.BuildServiceProvider();
        Handler = _services.GetRequiredService<KafkaConnectionHandler>();
    }

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));

    public KafkaConnectionHandler Handler { get; }

    public ReplicaManager Replicas => _services.GetRequiredService<ReplicaManager>();

    public ITopicAdmin Topics => _services.GetRequiredService<ITopicAdmin>();

    public string LogDir => _dir.Path;

    /// <summary>Builds the broker from the given <c>key=value</c> overrides and loads the topics found on disk.</summary>
    public static async Task<InMemoryBroker> StartAsync(params string[] overrides)
    {
        var broker = new InMemoryBroker(overrides);
        await broker._services.GetRequiredService<IClusterLifecycle>().PrepareAsync(CancellationToken.None);
        return broker;
    }

    public InMemoryClient Connect()
    {
        var client = new InMemoryClient(Handler, Interlocked.Increment(ref _connectionIds));
        _clients.Add(client);
        return client;
    }

    /// <summary>Creates a topic (replication factor 1) through the admin path, as CreateTopics would.</summary>
    public async Task CreateTopicAsync(string name, int partitions = 1, IReadOnlyDictionary<string, string>? configs = null)
    {
        var result = await Topics.CreateTopicAsync(new TopicCreationRequest(
            name, partitions, 1, null, (configs ?? new Dictionary<string, string>()).Select(kv => KeyValuePair.Create(kv.Key, (string?)kv.Value)).ToList(), false));
        Assert.That(result.Error, Is.EqualTo(ErrorCode.None), result.Message);
    }

    public PartitionLog Log(string topic, int partition)
    {
        Assert.That(Replicas.TryGet(topic, partition, out var p), $"{topic}-{partition} is hosted");
        return p.Log;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients) await client.DisposeAsync();
        await _services.DisposeAsync();
        _dir.Dispose();
    }
}
