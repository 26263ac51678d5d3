using System.Text;
using System.Text.Json.Nodes;
using Broker.TestKit;
using Broker.TestKit.Brokers;
using Broker.ZooKeeper;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.IntegrationTests.Cluster;

/// <summary>
/// What failure tests ask the cluster: who leads a partition, who is controller, when the ISR is full again. Answers
/// come from ZooKeeper (the controller's record), read through one lazily connected client. Waits poll with deadlines.
/// </summary>
public sealed partial class TestCluster
{
    private readonly SemaphoreSlim _viewsLock = new(1, 1);
    private ZooKeeperClient? _views;

    /// <summary>The brokers whose process is alive (paused ones included).</summary>
    public IEnumerable<BrokerProcess> RunningBrokers => Brokers.Where(b => b.IsRunning);

    /// <summary>Bootstrap list of the running brokers only (clients then do not wait on dead addresses first).</summary>
    public string RunningBootstrap => string.Join(",", RunningBrokers.Select(b => b.BootstrapServers));

    /// <summary>The partition's state znode, or null when it does not exist (yet).</summary>
    public async Task<PartitionState?> PartitionStateAsync(string topic, int partition)
    {
        var read = await ReadAsync($"/brokers/topics/{topic}/partitions/{partition}/state");
        if (read is not var (data, version)) return null;
        var json = JsonNode.Parse(data)!;
        return new PartitionState(json["leader"]!.GetValue<int>(), json["leader_epoch"]!.GetValue<int>(),
            json["isr"]!.AsArray().Select(n => n!.GetValue<int>()).ToList(), version);
    }

    /// <summary>The partition's leader per ZooKeeper; -1 when it has none or the state does not exist.</summary>
    public async Task<int> LeaderAsync(string topic, int partition) => (await PartitionStateAsync(topic, partition))?.Leader ?? -1;

    /// <summary>The assigned replicas of the partition (/brokers/topics/&lt;t&gt; "partitions"), in preference order.</summary>
    public async Task<IReadOnlyList<int>> ReplicasAsync(string topic, int partition)
    {
        var read = await ReadAsync($"/brokers/topics/{topic}");
        if (read is not var (data, _)) return [];
        var replicas = JsonNode.Parse(data)!["partitions"]?[partition.ToString()]?.AsArray();
        return replicas is null ? [] : replicas.Select(n => n!.GetValue<int>()).ToList();
    }

    /// <summary>The controller's broker id from /controller; -1 while there is none.</summary>
    public async Task<int> ControllerAsync()
    {
        var read = await ReadAsync("/controller");
        return read is var (data, _) ? JsonNode.Parse(data)!["brokerid"]!.GetValue<int>() : -1;
    }

    /// <summary>Waits until a controller is elected that <paramref name="accept"/> (default: any); returns its id.</summary>
    public async Task<int> WaitForControllerAsync(Func<int, bool>? accept = null, TimeSpan? timeout = null)
    {
        int id = -1;
        await Poll.UntilAsync(async () => (id = await ControllerAsync()) > 0 && (accept?.Invoke(id) ?? true),
            timeout ?? TimeSpan.FromSeconds(30), "a controller");
        return id;
    }

    /// <summary>Waits until the partition has a leader that <paramref name="accept"/> (default: any); returns it.</summary>
    public async Task<int> WaitForLeaderAsync(string topic, int partition, Func<int, bool>? accept = null, TimeSpan? timeout = null)
    {
        int leader = -1;
        await Poll.UntilAsync(async () => (leader = await LeaderAsync(topic, partition)) > 0 && (accept?.Invoke(leader) ?? true),
            timeout ?? TimeSpan.FromSeconds(30), $"a leader for {topic}-{partition} (last seen {leader})");
        return leader;
    }

    /// <summary>Waits until a broker other than <paramref name="deposed"/> leads the partition; returns it.</summary>
    public Task<int> WaitForNewLeaderAsync(string topic, int partition, int deposed, TimeSpan? timeout = null) =>
        WaitForLeaderAsync(topic, partition, l => l != deposed, timeout ?? TimeSpan.FromMilliseconds(SessionTimeoutMs * 3 + 10_000));

    /// <summary>Waits until every listed partition has a leader and its ISR equals its assigned replicas.</summary>
    public async Task WaitForFullIsrAsync(string topic, int partitions = 1, TimeSpan? timeout = null)
    {
        string last = "";
        try
        {
            await Poll.UntilAsync(async () =>
            {
                for (int p = 0; p < partitions; p++)
                {
                    var state = await PartitionStateAsync(topic, p);
                    var replicas = await ReplicasAsync(topic, p);
                    last = $"{topic}-{p}: {state?.ToString() ?? "no state"} replicas=[{string.Join(",", replicas)}]";
                    if (state is null || state.Leader < 0 || replicas.Count == 0 || !state.Isr.Order().SequenceEqual(replicas.Order())) return false;
                }

                return true;
            }, timeout ?? TimeSpan.FromSeconds(45), $"ISR == replicas for every partition of {topic}");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; last seen {last}", e);
        }
    }

    /// <summary>Waits until the partition's ISR has exactly <paramref name="size"/> members; returns the state.</summary>
    public async Task<PartitionState> WaitForIsrSizeAsync(string topic, int partition, int size, TimeSpan? timeout = null)
    {
        PartitionState? state = null;
        try
        {
            await Poll.UntilAsync(async () => (state = await PartitionStateAsync(topic, partition)) is { } s && s.Isr.Count == size,
                timeout ?? TimeSpan.FromMilliseconds(SessionTimeoutMs * 3 + 10_000), $"{topic}-{partition} ISR of size {size}");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; last seen {state?.ToString() ?? "no state"}", e);
        }

        return state!;
    }

    /// <summary>True while /brokers/ids/&lt;id&gt; exists (the broker's ZooKeeper session is alive).</summary>
    public async Task<bool> IsRegisteredAsync(int brokerId) => await ReadAsync($"/brokers/ids/{brokerId}") is not null;

    /// <summary>
    /// Waits until ZooKeeper no longer lists the broker: a killed broker's session has expired. Kafka's tests wait for
    /// this before restarting a hard-killed broker, whose old registration would otherwise still be there.
    /// </summary>
    public Task WaitForDeregistrationAsync(int brokerId, TimeSpan? timeout = null) =>
        Poll.UntilAsync(async () => !await IsRegisteredAsync(brokerId),
            timeout ?? TimeSpan.FromMilliseconds(SessionTimeoutMs * 3 + 5000), $"broker {brokerId}'s registration to expire");

    /// <summary>Kill -9, wait for the session to expire, start again on the same data: Kafka's hard bounce.</summary>
    public async Task HardBounceAsync(int brokerId)
    {
        Broker(brokerId).Kill();
        await WaitForDeregistrationAsync(brokerId);
        await Broker(brokerId).StartAsync();
    }

    /// <summary>Every partition's state and replicas, one line each, for failure messages.</summary>
    public async Task<string> DescribeAsync(string topic, int partitions)
    {
        var text = new StringBuilder($"controller={await ControllerAsync()}");
        for (int p = 0; p < partitions; p++)
            text.Append($"\n{topic}-{p}: {(await PartitionStateAsync(topic, p))?.ToString() ?? "no state"} replicas=[{string.Join(",", await ReplicasAsync(topic, p))}]");
        return text.ToString();
    }

    /// <summary>
    /// Creates the topic through a running broker (RF and configs as given), then waits until every partition has a
    /// leader and a full ISR.
    /// </summary>
    public async Task CreateTopicAsync(string topic, int partitions, short replicationFactor, IDictionary<string, string>? configs = null)
    {
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = RunningBootstrap }).Build())
        {
            await admin.CreateTopicsAsync([new TopicSpecification
            {
                Name = topic, NumPartitions = partitions, ReplicationFactor = replicationFactor,
                Configs = configs is null ? null : new Dictionary<string, string>(configs),
            }], new CreateTopicsOptions { OperationTimeout = TimeSpan.FromSeconds(30), RequestTimeout = TimeSpan.FromSeconds(30) });
        }

        await WaitForFullIsrAsync(topic, partitions);
    }

    /// <summary>One znode's data and version, or null when it does not exist.</summary>
    private async Task<(byte[] Data, int Version)?> ReadAsync(string path)
    {
        var zk = await ViewsAsync();
        try
        {
            var (data, stat) = await zk.GetDataAsync(path);
            return (data, stat.Version);
        }
        catch (NoNodeException)
        {
            return null;
        }
    }

    private async Task<ZooKeeperClient> ViewsAsync()
    {
        await _viewsLock.WaitAsync();
        try
        {
            return _views ??= await ConnectZooKeeperAsync();
        }
        finally
        {
            _viewsLock.Release();
        }
    }
}
