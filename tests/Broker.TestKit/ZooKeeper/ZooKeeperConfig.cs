using System.Text;

namespace Broker.TestKit.ZooKeeper;

/// <summary>Renders zoo.cfg for fast tests: 500 ms ticks, loopback only, admin server off, all 4lw commands on,
/// no fsync per transaction.</summary>
internal static class ZooKeeperConfig
{
    /// <param name="servers">Quorum members as (id, quorumPort, electionPort); null for standalone.</param>
    public static string Render(string dataDirectory, int clientPort, IReadOnlyList<(int Id, int QuorumPort, int ElectionPort)>? servers)
    {
        var config = new StringBuilder()
            .AppendLine($"tickTime={ZooKeeperServer.TickTimeMs}")
            .AppendLine("initLimit=10")
            .AppendLine("syncLimit=5")
            .AppendLine($"dataDir={dataDirectory}")
            .AppendLine($"clientPort={clientPort}")
            .AppendLine("clientPortAddress=127.0.0.1")
            .AppendLine("admin.enableServer=false")
            .AppendLine("4lw.commands.whitelist=*")
            .AppendLine("maxClientCnxns=0")
            .AppendLine("autopurge.purgeInterval=0")
            // Every session creation and znode write waits for an fsync of the transaction log; on a loaded CI machine
            // one fsync took seconds, and a broker's start-up connect (limit: its session timeout) ran out. Tests kill
            // processes, never the machine, so the page cache keeps what ZooKeeper wrote.
            .AppendLine("forceSync=no")
            // Fast ticks would cap sessions at 20 ticks (10 s); allow longer ones so restart tests survive a loaded machine.
            .AppendLine("maxSessionTimeout=60000");
        if (servers is not null)
        {
            config.AppendLine("reconfigEnabled=false").AppendLine("standaloneEnabled=false");
            foreach (var (id, quorumPort, electionPort) in servers)
            {
                config.AppendLine($"server.{id}=127.0.0.1:{quorumPort}:{electionPort}");
            }
        }

        return config.ToString();
    }
}
