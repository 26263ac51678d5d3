using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Broker.TestKit.Brokers;

/// <summary>
/// One real broker process (the built Broker.Host), as a user would run it: a properties file, a log folder, a port.
/// Kill() is kill -9; Stop() is SIGTERM and waits for a graceful exit. The data folder outlives restarts and is removed
/// on Dispose. Thread-safety: not thread-safe; one test drives it.
/// </summary>
public sealed class BrokerProcess : IDisposable
{
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TempDirectory _home;
    private Process? _process;

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

    public int Port { get; }

    public string BootstrapServers => $"127.0.0.1:{Port}";

    public string LogDir { get; }

    public string ConfigPath { get; }

    public int? Pid => _process is { HasExited: false } p ? p.Id : null;

    /// <summary>Everything the broker printed so far (stdout and stderr).</summary>
    public IReadOnlyCollection<string> Output => _output;

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

    /// <summary>Starts the process and waits until it logs that it is ready (or exits, which fails the call).</summary>
    public async Task StartAsync(TimeSpan? timeout = null, params string[] extraArgs)
    {
        EnsureBuilt();
        _output.Clear();
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        psi.ArgumentList.Add(RepoPaths.BrokerDll);
        psi.ArgumentList.Add(ConfigPath);
        foreach (var a in extraArgs) psi.ArgumentList.Add(a);
        psi.Environment["BROKER_LOG_DIR"] = Path.Combine(_home.Path, "logs");
        psi.Environment["BROKER_HOME"] = RepoPaths.Root;
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        await Poll.UntilAsync(() => process.HasExited || _output.Any(l => l.Contains(" ready: ", StringComparison.Ordinal)),
            timeout ?? TimeSpan.FromSeconds(60), $"broker {BrokerId} to become ready");
        if (process.HasExited)
            throw new InvalidOperationException($"broker {BrokerId} exited with {process.ExitCode}:\n{string.Join('\n', _output)}");
    }

    /// <summary>kill -9: no shutdown hooks, no flush.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill();
            p.WaitForExit();
        }
    }

    /// <summary>SIGTERM and wait for the graceful exit; returns the exit code.</summary>
    public int Stop(TimeSpan? timeout = null)
    {
        if (_process is not { HasExited: false } p) return _process?.ExitCode ?? 0;
        _ = SysKill(p.Id, 15);
        if (!p.WaitForExit(timeout ?? TimeSpan.FromSeconds(30)))
            throw new TimeoutException($"broker {BrokerId} did not stop after SIGTERM");
        p.WaitForExit();
        return p.ExitCode;
    }

    public void Dispose()
    {
        Kill();
        _process?.Dispose();
        _home.Dispose();
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);
}
