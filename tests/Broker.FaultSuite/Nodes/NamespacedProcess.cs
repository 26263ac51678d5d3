using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Broker.FaultSuite.Nodes;

/// <summary>
/// A server process run inside a network namespace (`ip netns exec NS cmd`; ip execs the command, so the pid is the
/// server's own and signals reach it directly). Output of every start is appended to one log file, each start marked
/// by a "=== start N" line. Not thread-safe: the scenario drives it; <see cref="SawSinceStart"/> may be polled.
/// </summary>
public sealed class NamespacedProcess : IDisposable
{
    private const int SigTerm = 15, SigStop = 19, SigCont = 18;
    private readonly string _ns, _file, _logPath;
    private readonly IReadOnlyList<string> _args;
    private readonly IReadOnlyDictionary<string, string> _env;
    private readonly Lock _gate = new();
    private readonly List<string> _sinceStart = [];
    private Process? _process;
    private int _starts;

    public NamespacedProcess(string ns, string file, IReadOnlyList<string> args, string logPath, IReadOnlyDictionary<string, string>? env = null)
    {
        _ns = ns;
        _file = file;
        _args = args;
        _logPath = logPath;
        _env = env ?? new Dictionary<string, string>();
    }

    public bool IsRunning => _process is { HasExited: false };

    public int? Pid => _process is { HasExited: false } p ? p.Id : null;

    public string LogPath => _logPath;

    public void Start()
    {
        if (IsRunning) throw new InvalidOperationException($"{_file} in {_ns} already running");
        _process?.Dispose();
        var psi = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "netns", "exec", _ns, _file }.Concat(_args)) psi.ArgumentList.Add(a);
        foreach (var kv in _env) psi.Environment[kv.Key] = kv.Value;
        lock (_gate)
        {
            _sinceStart.Clear();
            File.AppendAllText(_logPath, $"=== start {++_starts} {DateTime.UtcNow:HH:mm:ss.fff}\n");
        }

        var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) => Append(e.Data);
        p.ErrorDataReceived += (_, e) => Append(e.Data);
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        _process = p;
    }

    /// <summary>True when a line containing <paramref name="text"/> was printed since the last start.</summary>
    public bool SawSinceStart(string text)
    {
        lock (_gate) return _sinceStart.Any(l => l.Contains(text, StringComparison.Ordinal));
    }

    public bool HasExited => _process is { HasExited: true };

    /// <summary>kill -9, waiting until the process is gone.</summary>
    public void Kill()
    {
        if (_process is not { HasExited: false } p) return;
        try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        p.WaitForExit();
    }

    /// <summary>SIGTERM (after SIGCONT, in case it is paused) and wait; kill -9 after <paramref name="grace"/>.</summary>
    public void Stop(TimeSpan grace)
    {
        if (_process is not { HasExited: false } p) return;
        _ = Signal(p.Id, SigTerm);
        _ = Signal(p.Id, SigCont);
        if (!p.WaitForExit(grace)) Kill();
        p.WaitForExit();
    }

    public void Pause() => SignalOrThrow(SigStop);

    public void Resume() => SignalOrThrow(SigCont);

    private void SignalOrThrow(int signal)
    {
        if (_process is not { HasExited: false } p || Signal(p.Id, signal) != 0)
            throw new InvalidOperationException($"signal {signal} to {_file} in {_ns} failed");
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_gate)
        {
            _sinceStart.Add(line);
            File.AppendAllText(_logPath, line + "\n");
        }
    }

    public void Dispose()
    {
        if (_process is { HasExited: false } p) { _ = Signal(p.Id, SigCont); }
        Kill();
        _process?.Dispose();
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Signal(int pid, int signal);
}
