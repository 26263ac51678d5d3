using Broker.Coordination;
using Broker.ZooKeeper;

namespace Broker.Host;

/// <summary>
/// <c>Broker.Host cluster-status --zookeeper HOST:PORT[/chroot] [--expect-brokers 1,2,3] [--wait-seconds N]</c>:
/// reads the registered brokers and the controller from ZooKeeper and, when asked, waits until the expected brokers
/// are registered and listening (a broker binds its listeners only once it is ready, shortly after registering) and
/// a controller is elected. Used by bin/cluster-start; exit 0 when the cluster is as expected.
/// </summary>
internal static class ClusterStatusCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        string? connect = null;
        int[] expected = [];
        int waitSeconds = 0;
        for (int i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--zookeeper" when i + 1 < args.Count: connect = args[++i]; break;
                case "--expect-brokers" when i + 1 < args.Count:
                    expected = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
                    break;
                case "--wait-seconds" when i + 1 < args.Count: waitSeconds = int.Parse(args[++i]); break;
                default:
                    Console.Error.WriteLine($"cluster-status: unexpected argument '{args[i]}'");
                    return 2;
            }
        }

        if (connect is null)
        {
            Console.Error.WriteLine("cluster-status: --zookeeper is required");
            return 2;
        }

        await using var zk = new ZooKeeperClient(new ZooKeeperClientOptions { ConnectString = connect, ConnectionTimeout = TimeSpan.FromSeconds(10) });
        try
        {
            await zk.ConnectAsync();
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"cluster-status: cannot connect to ZooKeeper at {connect}: {ex.Message}");
            return 1;
        }

        var store = new KafkaZkStore(zk);
        var deadline = DateTime.UtcNow.AddSeconds(waitSeconds);
        while (true)
        {
            var brokers = await zk.ExistsAsync("/brokers/ids") is null ? [] : await store.GetBrokersAsync();
            int controller = await store.GetControllerIdAsync();
            bool ok = controller >= 0 && expected.All(id => brokers.Any(b => b.Id == id))
                && await AllListeningAsync(brokers.Where(b => expected.Contains(b.Id)));
            if (ok || DateTime.UtcNow >= deadline)
            {
                string list = brokers.Count == 0 ? "none" : string.Join(", ", brokers.Select(b => $"{b.Id} ({string.Join(",", b.Endpoints)})"));
                Console.WriteLine($"ZooKeeper {connect}: brokers {list}; controller {(controller >= 0 ? controller.ToString() : "none")}");
                if (!ok)
                {
                    var missing = expected.Where(id => brokers.All(b => b.Id != id)).ToArray();
                    Console.Error.WriteLine(missing.Length > 0
                        ? $"cluster-status: broker(s) {string.Join(",", missing)} not registered after {waitSeconds} s"
                        : controller < 0
                            ? $"cluster-status: no controller elected after {waitSeconds} s"
                            : $"cluster-status: broker(s) registered but not all listening after {waitSeconds} s");
                }

                return ok ? 0 : 1;
            }

            await Task.Delay(200);
        }
    }

    /// <summary>True when the first endpoint of every broker accepts a TCP connection.</summary>
    private static async Task<bool> AllListeningAsync(IEnumerable<Broker.Coordination.ZNodes.BrokerIdZNode> brokers)
    {
        foreach (var broker in brokers)
        {
            if (broker.Endpoints.Count == 0) return false;
            var endpoint = broker.Endpoints[0];
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await client.ConnectAsync(endpoint.Host, endpoint.Port, cts.Token);
            }
            catch (Exception ex) when (ex is System.Net.Sockets.SocketException or OperationCanceledException)
            {
                return false;
            }
        }

        return true;
    }
}
