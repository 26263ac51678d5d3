namespace Broker.TestKit.ZooKeeper;

/// <summary>
/// A real ZooKeeper ensemble (default 3 servers, ids 1..N, indexes 0..N-1) on free loopback ports, each with its
/// own data directory and myid. Members can be killed and started again; the client port of a member never
/// changes. Dispose kills all JVMs and deletes the temporary folder. Not thread-safe.
/// </summary>
public sealed class ZooKeeperEnsemble : IDisposable, IAsyncDisposable
{
    private static readonly string[] s_servingModes = ["leader", "follower"];

    private readonly ZooKeeperProcess[] _members;

    private ZooKeeperEnsemble(string directory, ZooKeeperProcess[] members)
    {
        Directory = directory;
        _members = members;
    }

    public string Directory { get; }

    public int Count => _members.Length;

    /// <summary>All members, e.g. "127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3".</summary>
    public string ConnectString => string.Join(',', _members.Select(m => $"127.0.0.1:{m.ClientPort}"));

    public int ClientPort(int index) => _members[index].ClientPort;

    public bool IsRunning(int index) => _members[index].IsRunning;

    /// <summary>The member index serving "host:port" (as reported by a client), or -1.</summary>
    public int IndexOf(string hostPort)
    {
        var colon = hostPort.LastIndexOf(':');
        return colon >= 0 && int.TryParse(hostPort.AsSpan(colon + 1), out var port)
            ? Array.FindIndex(_members, m => m.ClientPort == port)
            : -1;
    }

    /// <summary>Starts all members and waits until every one is a leader or follower.</summary>
    public static async Task<ZooKeeperEnsemble> LaunchAsync(int size = 3, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var installation = ZooKeeperInstallation.Locate();
        var directory = Path.Combine(Path.GetTempPath(), "zk-ensemble-" + Guid.NewGuid().ToString("N")[..12]);
        var ports = FreeTcpPorts.Allocate(size * 3);
        var quorum = Enumerable.Range(0, size).Select(i => (Id: i + 1, QuorumPort: ports[size + 2 * i], ElectionPort: ports[size + 2 * i + 1])).ToList();
        var members = new ZooKeeperProcess[size];
        for (var i = 0; i < size; i++)
        {
            var memberDirectory = Path.Combine(directory, $"server{i + 1}");
            var dataDirectory = Path.Combine(memberDirectory, "data");
            System.IO.Directory.CreateDirectory(dataDirectory);
            File.WriteAllText(Path.Combine(dataDirectory, "myid"), (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            var configPath = Path.Combine(memberDirectory, "zoo.cfg");
            File.WriteAllText(configPath, ZooKeeperConfig.Render(dataDirectory, ports[i], quorum));
            members[i] = new ZooKeeperProcess(installation, configPath, ports[i]);
        }

        var ensemble = new ZooKeeperEnsemble(directory, members);
        try
        {
            foreach (var member in members)
            {
                member.Start();
            }

            await Task.WhenAll(members.Select(m => m.WaitUntilServingAsync(s_servingModes, cancellationToken))).ConfigureAwait(false);
            return ensemble;
        }
        catch
        {
            ensemble.Dispose();
            throw;
        }
    }

    /// <summary>kill -9 of one member.</summary>
    public void Kill(int index) => _members[index].Kill();

    /// <summary>Graceful stop of one member.</summary>
    public Task StopAsync(int index) => _members[index].StopAsync();

    /// <summary>Starts a stopped member again and waits until it has rejoined as leader or follower.</summary>
    public Task StartAsync(int index, CancellationToken cancellationToken = default)
    {
        _members[index].Start();
        return _members[index].WaitUntilServingAsync(s_servingModes, cancellationToken);
    }

    public void Dispose()
    {
        foreach (var member in _members)
        {
            member.Kill();
        }

        ZooKeeperServer.TryDeleteDirectory(Directory);
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
