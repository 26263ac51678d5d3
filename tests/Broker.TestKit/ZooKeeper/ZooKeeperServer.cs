namespace Broker.TestKit.ZooKeeper;

/// <summary>
/// A real standalone ZooKeeper server on a free loopback port with its own temporary data directory.
/// tickTime is 500 ms, so session timeouts are clamped to [1 s, 10 s]. Readiness is detected by polling "srvr".
/// The port and data survive <see cref="Kill"/>/<see cref="StopAsync"/> and <see cref="StartAsync()"/>, so sessions
/// survive a restart. Dispose kills the JVM and deletes the directory. Not thread-safe.
/// </summary>
public sealed class ZooKeeperServer : IDisposable, IAsyncDisposable
{
    public const int TickTimeMs = 500;

    private static readonly string[] s_servingModes = ["standalone"];

    private readonly ZooKeeperProcess _process;

    private ZooKeeperServer(string directory, ZooKeeperProcess process)
    {
        Directory = directory;
        _process = process;
    }

    /// <summary>Temporary folder holding zoo.cfg, data/ and zookeeper.log.</summary>
    public string Directory { get; }

    public int Port => _process.ClientPort;

    public string ConnectString => $"127.0.0.1:{Port}";

    public bool IsRunning => _process.IsRunning;

    /// <summary>Starts a server and waits until it serves requests.</summary>
    /// <exception cref="InvalidOperationException">ZooKeeper or Java is not installed (the message says how to fix it).</exception>
    public static Task<ZooKeeperServer> LaunchAsync(CancellationToken cancellationToken = default) =>
        LaunchAsync(saslUsers: null, cancellationToken);

    /// <summary>
    /// Starts a server that authenticates clients with SASL DIGEST-MD5 (as a secured Kafka deployment's ZooKeeper):
    /// a JAAS file with a <c>Server</c> section (<c>DigestLoginModule</c>, one <c>user_&lt;name&gt;</c> per entry of
    /// <paramref name="saslUsers"/>) named by <c>-Djava.security.auth.login.config</c>, and
    /// <c>authProvider.1=...SASLAuthenticationProvider</c> in zoo.cfg. Unauthenticated clients may still connect
    /// (ZooKeeper's default); ACLs decide what they may do.
    /// </summary>
    /// <param name="saslUsers">User name → password; null for a server without SASL.</param>
    public static async Task<ZooKeeperServer> LaunchAsync(IReadOnlyDictionary<string, string>? saslUsers, CancellationToken cancellationToken = default)
    {
        var installation = ZooKeeperInstallation.Locate();
        var directory = Path.Combine(Path.GetTempPath(), "zk-" + Guid.NewGuid().ToString("N")[..12]);
        var dataDirectory = Path.Combine(directory, "data");
        System.IO.Directory.CreateDirectory(dataDirectory);
        var port = FreeTcpPorts.Allocate(1)[0];
        var configPath = Path.Combine(directory, "zoo.cfg");
        var config = ZooKeeperConfig.Render(dataDirectory, port, servers: null);
        List<string> jvmFlags = [];
        if (saslUsers is not null)
        {
            var jaasPath = Path.Combine(directory, "zookeeper_jaas.conf");
            var users = string.Concat(saslUsers.Select(u => $"\n    user_{u.Key}=\"{u.Value}\""));
            File.WriteAllText(jaasPath, $"Server {{\n  org.apache.zookeeper.server.auth.DigestLoginModule required{users};\n}};\n");
            config += "authProvider.1=org.apache.zookeeper.server.auth.SASLAuthenticationProvider\n";
            jvmFlags.Add("-Djava.security.auth.login.config=" + jaasPath);
        }

        File.WriteAllText(configPath, config);
        var server = new ZooKeeperServer(directory, new ZooKeeperProcess(installation, configPath, port, jvmFlags));
        try
        {
            await server.StartAsync(cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>(Re)starts the JVM on the same port and data directory and waits until it serves.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        _process.Start();
        return _process.WaitUntilServingAsync(s_servingModes, cancellationToken);
    }

    /// <summary>kill -9: the OS resets client connections; nothing is flushed beyond what ZooKeeper already synced.</summary>
    public void Kill() => _process.Kill();

    /// <summary>Graceful stop (SIGTERM).</summary>
    public Task StopAsync() => _process.StopAsync();

    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync().ConfigureAwait(false);
        await StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _process.Kill();
        TryDeleteDirectory(Directory);
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    internal static void TryDeleteDirectory(string directory)
    {
        try
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
