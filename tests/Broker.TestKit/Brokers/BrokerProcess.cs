using System.Diagnostics;

namespace Broker.TestKit.Brokers;

/// <summary>
/// One real broker process (the built Broker.Host), as a user would run it: a properties file, a log folder, a port.
/// The data folder and the port outlive restarts (<see cref="StartAsync"/> again after <see cref="Kill"/> or
/// <see cref="Stop"/> reopens the same log) and are removed on Dispose. Output is kept across restarts, each start
/// marked by a <c>=== start N</c> line. Thread-safety: not thread-safe; one test drives it (the output buffer alone
/// is safe to read while the process writes).
/// </summary>
public sealed class BrokerProcess : IDisposable
{
    private readonly BrokerOutput _output = new();
    private readonly TempDirectory _home;
    private Process? _process;
    private int _starts;

    public BrokerProcess(int brokerId = 0, IDictionary<string, string>? settings = null, int? port = null)
    {
        BrokerId = brokerId;
        Port = port ?? FreePort.Next();
        _home = new TempDirectory($"broker-{brokerId}");
        LogDir = Path.Combine(_home.Path, "data");
        ConfigPath = Path.Combine(_home.Path, "server.properties");
        var lines = new Dictionary<string, string>
        {
            ["broker.id"] = brokerId.ToString(),
            ["listeners"] = $"PLAINTEXT://127.0.0.1:{Port}",
            ["log.dirs"] = LogDir,
            ["num.partitions"] = "1",
        };
        if (settings is not null) foreach (var kv in settings) lines[kv.Key] = kv.Value;
        File.WriteAllLines(ConfigPath, lines.Select(kv => $"{kv.Key}={kv.Value}"));
    }

    public int BrokerId { get; }

    /// <summary>Extra environment variables of the broker process (e.g. BROKER_JAAS_CONFIG), applied at each start.</summary>
    public Dictionary<string, string> Environment { get; } = [];

    public int Port { get; }

    public string BootstrapServers => $"127.0.0.1:{Port}";

    public string LogDir { get; }

    public string ConfigPath { get; }

    public int? Pid => _process is { HasExited: false } p ? p.Id : null;

    /// <summary>True while the process exists (also while it is paused by <see cref="Pause"/>).</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Everything the broker printed so far, over all its starts (stdout and stderr).</summary>
    public IReadOnlyCollection<string> Output => _output.Snapshot();

    /// <summary>The last <paramref name="lines"/> lines of output, for failure messages.</summary>
    public string OutputTail(int lines = 80) => string.Join('\n', _output.Snapshot().TakeLast(lines));

    public static void EnsureBuilt()
    {
        lock (typeof(BrokerProcess))
        {
            var psi = new ProcessStartInfo("bash", ["-c", "source bin/common.sh && ensure_built Broker.Host broker"])
            {
                WorkingDirectory = RepoPaths.Root, RedirectStandardError = true, RedirectStandardOutput = true,
            };
            using var p = Process.Start(psi)!;
            string err = p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0) throw new InvalidOperationException("building the broker failed: " + err);
        }
    }

    /// <summary>
    /// Starts the process (again, on the same log dir and port, after a kill or stop) and waits until this start logs
    /// that it is ready; an exit before that fails the call.
    /// </summary>
    public async Task StartAsync(TimeSpan? timeout = null, params string[] extraArgs)
    {
        if (IsRunning) throw new InvalidOperationException($"broker {BrokerId} is already running (pid {_process!.Id})");
        EnsureBuilt();
        _process?.Dispose();
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        psi.ArgumentList.Add(RepoPaths.BrokerDll);
        psi.ArgumentList.Add(ConfigPath);
        foreach (var a in extraArgs) psi.ArgumentList.Add(a);
        psi.Environment["BROKER_LOG_DIR"] = Path.Combine(_home.Path, "logs");
        psi.Environment["BROKER_HOME"] = RepoPaths.Root;
        foreach (var (name, value) in Environment) psi.Environment[name] = value;
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var output = _output;
        int mark = output.BeginStart(++_starts);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Add(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        await Poll.UntilAsync(() => process.HasExited || output.ContainsSince(mark, " ready: "),
            timeout ?? TimeSpan.FromSeconds(60), $"broker {BrokerId} to become ready");
        if (process.HasExited)
            throw new InvalidOperationException($"broker {BrokerId} exited with {process.ExitCode}:\n{OutputTail(200)}");
    }

    /// <summary>kill -9: no shutdown hooks, no flush. Waits until the process is gone. No-op when not running.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill();
            p.WaitForExit();
        }
    }

    /// <summary>SIGTERM and wait for the graceful exit (a paused process is resumed first); returns the exit code.</summary>
    public int Stop(TimeSpan? timeout = null)
    {
        if (_process is not { HasExited: false } p) return _process?.ExitCode ?? 0;
        _ = Signals.Send(p.Id, Signals.Term);
        _ = Signals.Send(p.Id, Signals.Cont);
        if (!p.WaitForExit(timeout ?? TimeSpan.FromSeconds(30)))
            throw new TimeoutException($"broker {BrokerId} did not stop after SIGTERM:\n{OutputTail()}");
        p.WaitForExit();
        return p.ExitCode;
    }

    /// <summary>Clean bounce: <see cref="Stop"/> then <see cref="StartAsync"/> on the same data.</summary>
    public async Task RestartAsync(TimeSpan? timeout = null)
    {
        Stop();
        await StartAsync(timeout);
    }

    /// <summary>Hard bounce: <see cref="Kill"/> then <see cref="StartAsync"/> on the same data.</summary>
    public async Task KillAndRestartAsync(TimeSpan? timeout = null)
    {
        Kill();
        await StartAsync(timeout);
    }

    /// <summary>SIGSTOP: the process keeps its sockets and its ZooKeeper session but does nothing until <see cref="Resume"/>.</summary>
    public void Pause()
    {
        if (_process is not { HasExited: false } p) throw new InvalidOperationException($"broker {BrokerId} is not running");
        if (Signals.Send(p.Id, Signals.Stop) != 0) throw new InvalidOperationException($"SIGSTOP to broker {BrokerId} failed");
    }

    /// <summary>SIGCONT after <see cref="Pause"/>.</summary>
    public void Resume()
    {
        if (_process is { HasExited: false } p) _ = Signals.Send(p.Id, Signals.Cont);
    }

    public void Dispose()
    {
        Kill();
        _process?.Dispose();
        _home.Dispose();
    }
}
