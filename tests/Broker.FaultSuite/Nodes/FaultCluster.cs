using System.Text.Json.Nodes;
using Broker.TestKit;
using Broker.ZooKeeper;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.FaultSuite.Nodes;

/// <summary>
/// ZooKeeper (one server, or an ensemble of three) and brokers 1..3, each in its own namespace, for one scenario
/// round. Views (leader, ISR, controller) are read from ZooKeeper through one client in the root namespace, reconnected
/// when a fault broke it. Dispose kills every process; the run directory stays for evidence.
/// </summary>
public sealed class FaultCluster : IAsyncDisposable
{
    private ZooKeeperClient? _views;

    private FaultCluster(string runDirectory, List<ZooKeeperNode> zk, List<BrokerNode> brokers)
    {
        RunDirectory = runDirectory;
        ZooKeepers = zk;
        Brokers = brokers;
    }

    public string RunDirectory { get; }

    public List<ZooKeeperNode> ZooKeepers { get; }

    public List<BrokerNode> Brokers { get; }

    public BrokerNode Broker(int id) => Brokers.Single(b => b.Id == id);

    public string Bootstrap => string.Join(",", Brokers.Select(b => b.Bootstrap));

    public string ZooKeeperConnect => string.Join(",", ZooKeepers.Select(z => z.HostPort));

    /// <param name="logDirOf">Optional log directory per broker id (the disk-full scenario puts one on a tmpfs).</param>
    public static async Task<FaultCluster> StartAsync(string runDirectory, int zookeepers = 1, Func<int, string?>? logDirOf = null)
    {
        Directory.CreateDirectory(runDirectory);
        var zk = Enumerable.Range(1, zookeepers).Select(s => new ZooKeeperNode(s, zookeepers, runDirectory)).ToList();
        string connect = string.Join(",", zk.Select(z => z.HostPort));
        var brokers = Enumerable.Range(1, 3).Select(id => new BrokerNode(id, connect, runDirectory, logDirOf?.Invoke(id))).ToList();
        var cluster = new FaultCluster(runDirectory, zk, brokers);
        try
        {
            foreach (var z in zk) z.Start();
            await Task.WhenAll(zk.Select(z => z.WaitServingAsync(TimeSpan.FromSeconds(60))));
            await Task.WhenAll(brokers.Select(b => b.StartAsync()));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Creates the topic (RF 3, min.insync.replicas=2, unclean election off) and waits for full ISRs.</summary>
    public async Task CreateTopicAsync(string topic, int partitions)
    {
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = Bootstrap }).Build())
        {
            // A broker is "ready" once registered, but the answering broker's live-broker list learns of it a moment
            // later (Kafka's metadata cache lags the same way): INVALID_REPLICATION_FACTOR then is retried, not fatal
            // (leader-answers-lost round 4 was aborted by it).
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (true)
            {
                try
                {
                    await admin.CreateTopicsAsync([new TopicSpecification
                    {
                        Name = topic, NumPartitions = partitions, ReplicationFactor = 3,
                        Configs = new Dictionary<string, string> { ["min.insync.replicas"] = "2", ["unclean.leader.election.enable"] = "false" },
                    }], new CreateTopicsOptions { OperationTimeout = TimeSpan.FromSeconds(30), RequestTimeout = TimeSpan.FromSeconds(30) });
                    break;
                }
                catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code == ErrorCode.InvalidReplicationFactor) && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(200); // polling the broker list, with the deadline above
                }
            }
        }

        await WaitForFullIsrAsync(topic, partitions, TimeSpan.FromSeconds(60));
    }

    /// <summary>leader, leader_epoch, isr of a partition from its state znode; null when absent or ZooKeeper is unreachable.</summary>
    public async Task<(int Leader, int Epoch, int[] Isr)?> PartitionStateAsync(string topic, int partition)
    {
        var data = await ReadAsync($"/brokers/topics/{topic}/partitions/{partition}/state");
        if (data is null) return null;
        var json = JsonNode.Parse(data)!;
        return (json["leader"]!.GetValue<int>(), json["leader_epoch"]!.GetValue<int>(), json["isr"]!.AsArray().Select(n => n!.GetValue<int>()).ToArray());
    }

    public async Task<int> LeaderAsync(string topic, int partition) => (await PartitionStateAsync(topic, partition))?.Leader ?? -1;

    public async Task<int> ControllerAsync()
    {
        var data = await ReadAsync("/controller");
        return data is null ? -1 : JsonNode.Parse(data)!["brokerid"]!.GetValue<int>();
    }

    public async Task<string> DescribeAsync(string topic, int partitions)
    {
        var parts = new List<string> { $"controller={await ControllerAsync()}" };
        for (int p = 0; p < partitions; p++)
            parts.Add((await PartitionStateAsync(topic, p)) is var (l, e, isr) ? $"p{p}: leader={l} epoch={e} isr=[{string.Join(",", isr)}]" : $"p{p}: ?");
        return string.Join("; ", parts);
    }

    /// <summary>Waits until every partition has a leader and an ISR of 3; false (not a throw) on timeout: a stall to report.</summary>
    public async Task<bool> WaitForFullIsrAsync(string topic, int partitions, TimeSpan timeout)
    {
        try
        {
            await Poll.UntilAsync(async () =>
            {
                for (int p = 0; p < partitions; p++)
                    if (await PartitionStateAsync(topic, p) is not var (leader, _, isr) || leader < 0 || isr.Length != 3) return false;
                return true;
            }, timeout, $"full ISRs of {topic}");
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private async Task<byte[]?> ReadAsync(string path)
    {
        for (int attempt = 0; attempt < 2; attempt++)
        {
            try
            {
                _views ??= await ConnectAsync();
                var (data, _) = await _views.GetDataAsync(path).WaitAsync(TimeSpan.FromSeconds(5));
                return data;
            }
            catch (NoNodeException)
            {
                return null;
            }
            catch (Exception e) when (e is ZooKeeperException or TimeoutException or IOException or System.Net.Sockets.SocketException)
            {
                if (_views is not null) await _views.DisposeAsync();
                _views = null;
            }
        }

        return null;
    }

    private async Task<ZooKeeperClient> ConnectAsync()
    {
        var client = new ZooKeeperClient(new ZooKeeperClientOptions
        {
            ConnectString = ZooKeeperConnect, SessionTimeout = TimeSpan.FromSeconds(10), ConnectionTimeout = TimeSpan.FromSeconds(5),
        });
        try
        {
            await client.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(8));
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>Graceful stop of every broker (SIGTERM, 30 s grace), so the segment files can be compared.</summary>
    public void StopBrokers()
    {
        foreach (var b in Brokers) b.Process.Stop(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        if (_views is not null) { try { await _views.DisposeAsync(); } catch (Exception) { } }
        foreach (var b in Brokers) b.Dispose();
        foreach (var z in ZooKeepers) z.Dispose();
    }
}
