using Broker.Coordination;
using Broker.ZooKeeper;

namespace Broker.Host;

/// <summary>
/// <c>Broker.Host cluster-status --zookeeper HOST:PORT[/chroot] [--expect-brokers 1,2,3] [--wait-seconds N]</c>:
/// reads the registered brokers and the controller from ZooKeeper and, when asked, waits until the expected brokers
/// are registered and a controller is elected. Used by bin/cluster-start; exit 0 when the cluster is as expected.
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
            bool ok = controller >= 0 && expected.All(id => brokers.Any(b => b.Id == id));
            if (ok || DateTime.UtcNow >= deadline)
            {
                string list = brokers.Count == 0 ? "none" : string.Join(", ", brokers.Select(b => $"{b.Id} ({string.Join(",", b.Endpoints)})"));
                Console.WriteLine($"ZooKeeper {connect}: brokers {list}; controller {(controller >= 0 ? controller.ToString() : "none")}");
                if (!ok)
                {
                    var missing = expected.Where(id => brokers.All(b => b.Id != id)).ToArray();
                    Console.Error.WriteLine(missing.Length > 0
                        ? $"cluster-status: broker(s) {string.Join(",", missing)} not registered after {waitSeconds} s"
                        : $"cluster-status: no controller elected after {waitSeconds} s");
                }

                return ok ? 0 : 1;
            }

            await Task.Delay(200);
        }
    }
}
