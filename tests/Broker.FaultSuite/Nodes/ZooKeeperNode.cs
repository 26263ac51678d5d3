using System.Net;
using System.Net.Sockets;
using System.Text;
using Broker.FaultSuite.Net;
using Broker.TestKit.ZooKeeper;

namespace Broker.FaultSuite.Nodes;

/// <summary>
/// One ZooKeeper server (Debian's 3.8 JVM) in its own namespace, listening on its host address: client port 2181,
/// quorum 2888, election 3888. Standalone when the ensemble has one server. Ticks of 500 ms as in the TestKit, so
/// a 6 s broker session is allowed. Not thread-safe.
/// </summary>
public sealed class ZooKeeperNode : IDisposable
{
    public const int ClientPort = 2181;
    private readonly NamespacedProcess _process;

    public ZooKeeperNode(int server, int ensembleSize, string runDirectory)
    {
        Server = server;
        var home = Path.Combine(runDirectory, $"zk{server}");
        var data = Path.Combine(home, "data");
        Directory.CreateDirectory(data);
        File.WriteAllText(Path.Combine(data, "myid"), server.ToString());
        var config = new StringBuilder()
            .AppendLine("tickTime=500").AppendLine("initLimit=10").AppendLine("syncLimit=5")
            .AppendLine($"dataDir={data}").AppendLine($"clientPort={ClientPort}").AppendLine($"clientPortAddress={Address}")
            .AppendLine("admin.enableServer=false").AppendLine("4lw.commands.whitelist=*").AppendLine("maxClientCnxns=0")
            .AppendLine("maxSessionTimeout=60000");
        if (ensembleSize > 1)
        {
            config.AppendLine("reconfigEnabled=false").AppendLine("standaloneEnabled=false");
            for (int s = 1; s <= ensembleSize; s++) config.AppendLine($"server.{s}={Hosts.ZooKeeperAddress(s)}:2888:3888");
        }

        string configPath = Path.Combine(home, "zoo.cfg");
        File.WriteAllText(configPath, config.ToString());
        var installation = ZooKeeperInstallation.Locate();
        _process = new NamespacedProcess(Hosts.ZooKeeperNamespace(server), installation.JavaPath,
        [
            "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Dzookeeper.admin.enableServer=false",
            "-cp", installation.ClassPath, "org.apache.zookeeper.server.quorum.QuorumPeerMain", configPath,
        ], Path.Combine(runDirectory, $"zk{server}.log"));
    }

    public int Server { get; }

    public string Address => Hosts.ZooKeeperAddress(Server);

    public string HostPort => $"{Address}:{ClientPort}";

    public NamespacedProcess Process => _process;

    public void Start() => _process.Start();

    /// <summary>Waits until "srvr" reports a serving mode (standalone, leader, follower).</summary>
    public async Task WaitServingAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (await ModeAsync() is not ("standalone" or "leader" or "follower"))
        {
            if (_process.HasExited) throw new InvalidOperationException($"ZooKeeper {Server} exited; see {_process.LogPath}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"ZooKeeper {Server} not serving after {timeout}");
            await Task.Delay(100);
        }
    }

    /// <summary>The "Mode:" of srvr, or null when the server does not answer.</summary>
    public async Task<string?> ModeAsync()
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(Address), ClientPort), cts.Token);
            await socket.SendAsync(Encoding.ASCII.GetBytes("srvr"), cts.Token);
            var reply = new StringBuilder();
            var buffer = new byte[4096];
            int read;
            while ((read = await socket.ReceiveAsync(buffer, cts.Token)) > 0) reply.Append(Encoding.ASCII.GetString(buffer, 0, read));
            var line = reply.ToString().Split('\n').FirstOrDefault(l => l.StartsWith("Mode:", StringComparison.Ordinal));
            return line?["Mode:".Length..].Trim();
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or IOException)
        {
            return null;
        }
    }

    public void Dispose() => _process.Dispose();
}
