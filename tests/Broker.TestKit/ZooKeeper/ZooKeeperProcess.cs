using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Broker.TestKit.ZooKeeper;

/// <summary>
/// One ZooKeeper JVM (QuorumPeerMain) started from a generated zoo.cfg, its output appended to
/// <c>zookeeper.log</c> beside the config. Not thread-safe; owned by one <see cref="ZooKeeperServer"/> or
/// <see cref="ZooKeeperEnsemble"/>.
/// </summary>
internal sealed class ZooKeeperProcess
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(45);
    private static readonly TimeSpan s_stopTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(50);
    private const int SigTerm = 15;

    private readonly ZooKeeperInstallation _installation;
    private readonly string _configPath;
    private readonly string _logPath;
    private readonly IReadOnlyList<string> _jvmFlags;
    private readonly Lock _logGate = new();
    private Process? _process;

    /// <param name="jvmFlags">Extra JVM options placed before the class path (e.g. <c>-Djava.security.auth.login.config=...</c>).</param>
    public ZooKeeperProcess(ZooKeeperInstallation installation, string configPath, int clientPort, IReadOnlyList<string>? jvmFlags = null)
    {
        _installation = installation;
        _jvmFlags = jvmFlags ?? [];
        _configPath = configPath;
        _logPath = Path.Combine(Path.GetDirectoryName(configPath)!, "zookeeper.log");
        ClientPort = clientPort;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Kill();
    }

    public int ClientPort { get; }

    public bool IsRunning => _process is { HasExited: false };

    public void Start()
    {
        if (IsRunning)
        {
            return;
        }

        var info = new ProcessStartInfo(_installation.JavaPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] arguments =
        [
            "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            "-Dzookeeper.admin.enableServer=false",
            .. _jvmFlags,
            "-cp", _installation.ClassPath,
            "org.apache.zookeeper.server.quorum.QuorumPeerMain", _configPath,
        ];
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => AppendLog(e.Data);
        process.ErrorDataReceived += (_, e) => AppendLog(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
    }

    /// <summary>Polls "srvr" until the server reports one of <paramref name="modes"/>; fails fast if the JVM exits.</summary>
    public async Task WaitUntilServingAsync(IReadOnlyCollection<string> modes, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + s_startTimeout;
        while (true)
        {
            if (_process is null || _process.HasExited)
            {
                throw new InvalidOperationException($"ZooKeeper on port {ClientPort} exited during start-up.{LogTail()}");
            }

            var mode = await FourLetterWords.GetModeAsync(ClientPort, cancellationToken).ConfigureAwait(false);
            if (mode is not null && modes.Contains(mode))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"ZooKeeper on port {ClientPort} not serving after {s_startTimeout} (mode: {mode ?? "none"}).{LogTail()}");
            }

            await Task.Delay(s_pollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>SIGKILL: no clean shutdown, sockets are reset by the OS.</summary>
    public void Kill()
    {
        var process = _process;
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.WaitForExit();
        }
        catch (InvalidOperationException)
        {
        }

        process.Dispose();
        _process = null;
    }

    /// <summary>SIGTERM and wait for exit (SIGKILL after a grace period).</summary>
    public async Task StopAsync()
    {
        var process = _process;
        if (process is null)
        {
            return;
        }

        if (!process.HasExited && !OperatingSystem.IsWindows())
        {
            _ = SendSignal(process.Id, SigTerm);
            using var grace = new CancellationTokenSource(s_stopTimeout);
            try
            {
                await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        Kill();
    }

    private void AppendLog(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_logGate)
        {
            File.AppendAllText(_logPath, line + Environment.NewLine);
        }
    }

    private string LogTail()
    {
        lock (_logGate)
        {
            if (!File.Exists(_logPath))
            {
                return string.Empty;
            }

            var lines = File.ReadAllLines(_logPath);
            return Environment.NewLine + string.Join(Environment.NewLine, lines.Skip(Math.Max(0, lines.Length - 30)));
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
