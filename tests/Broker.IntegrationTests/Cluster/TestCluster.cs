using Broker.TestKit;
using Broker.TestKit.Brokers;
using Broker.TestKit.ZooKeeper;
using Broker.ZooKeeper;

namespace Broker.IntegrationTests.Cluster;

/// <summary>
/// A real ZooKeeper server plus N real broker processes (ids 1..N) registered in it, with a short session timeout so
/// failover tests run in seconds. Dispose kills everything and removes the folders. The ZooKeeper views used by
/// failure tests (who leads, who is controller, waiting for a full ISR) live in TestCluster.Views.cs.
/// </summary>
public sealed partial class TestCluster : IAsyncDisposable
{
    public const int SessionTimeoutMs = 6000;

    private TestCluster(ZooKeeperServer zookeeper, List<BrokerProcess> brokers)
    {
        ZooKeeper = zookeeper;
        Brokers = brokers;
    }

    public ZooKeeperServer ZooKeeper { get; }

    public List<BrokerProcess> Brokers { get; }

    public BrokerProcess Broker(int id) => Brokers.Single(b => b.BrokerId == id);

    public string Bootstrap => string.Join(",", Brokers.Select(b => b.BootstrapServers));

    /// <param name="perBroker">Settings of one broker, given its id and its (first listener's) port; applied last.</param>
    public static async Task<TestCluster> StartAsync(int brokers = 3, IDictionary<string, string>? settings = null,
        Func<int, int, IDictionary<string, string>>? perBroker = null)
    {
        var zk = await ZooKeeperServer.LaunchAsync();
        var list = new List<BrokerProcess>();
        for (int id = 1; id <= brokers; id++)
        {
            var s = new Dictionary<string, string>
            {
                ["zookeeper.connect"] = zk.ConnectString,
                ["zookeeper.session.timeout.ms"] = SessionTimeoutMs.ToString(),
                ["num.partitions"] = "3",
            };
            if (settings is not null) foreach (var kv in settings) s[kv.Key] = kv.Value;
            int port = FreePort.Next();
            if (perBroker is not null) foreach (var kv in perBroker(id, port)) s[kv.Key] = kv.Value;
            list.Add(new BrokerProcess(id, s, port));
        }

        var cluster = new TestCluster(zk, list);
        await Task.WhenAll(list.Select(b => b.StartAsync()));
        return cluster;
    }

    /// <summary>A ZooKeeper client on the cluster's server, for reading the znode layout.</summary>
    public async Task<ZooKeeperClient> ConnectZooKeeperAsync()
    {
        var client = new ZooKeeperClient(new ZooKeeperClientOptions { ConnectString = ZooKeeper.ConnectString });
        await client.ConnectAsync();
        return client;
    }

    /// <summary>The last <paramref name="lines"/> output lines of every broker (over all its restarts), for failure messages.</summary>
    public string OutputOfAll(int lines = 80) =>
        string.Join("\n", Brokers.Select(b => $"--- broker {b.BrokerId} ({(b.IsRunning ? "running" : "down")})\n" + b.OutputTail(lines)));

    public async ValueTask DisposeAsync()
    {
        if (_views is not null) await _views.DisposeAsync();
        foreach (var b in Brokers) b.Dispose();
        await ZooKeeper.DisposeAsync();
    }
}
