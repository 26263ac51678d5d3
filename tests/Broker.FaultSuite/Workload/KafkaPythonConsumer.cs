using System.Diagnostics;
using System.Text.Json;
using Broker.FaultSuite.Check;

namespace Broker.FaultSuite.Workload;

/// <summary>
/// kafka-python consumer (py/consumer.py under Debian's /usr/bin/python3): one member of its own group, reading the
/// topic from the beginning and committing about every 250 ms. Records every record it read, every successful and
/// failed commit, and a fatal error (an exception that stopped it). Its stderr goes to <c>kafka-python-consumer.log</c>.
/// Output lines arrive on a thread-pool thread; the lists are guarded by one lock.
/// </summary>
public sealed class KafkaPythonConsumer : IAsyncDisposable
{
    /// <summary>Debian's interpreter, which sees Debian's python3-kafka (a venv python would not).</summary>
    public const string Python = "/usr/bin/python3";

    private readonly ProcessStartInfo _psi;
    private readonly string _logPath;
    private readonly Lock _gate = new();
    private readonly List<StoredRecord> _read = [];
    private readonly List<Commit> _commits = [];
    private readonly List<string> _commitErrors = [];
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Process? _process;

    public KafkaPythonConsumer(string bootstrap, string topic, string runDirectory)
    {
        _logPath = Path.Combine(runDirectory, "kafka-python-consumer.log");
        _psi = new ProcessStartInfo(Python)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = Path.Combine(SuitePaths.Root, "tests", "Broker.FaultSuite", "py"),
        };
        foreach (var a in new[] { "consumer.py", bootstrap, topic }) _psi.ArgumentList.Add(a);
    }

    public string? Fatal { get; private set; }

    public IReadOnlyList<StoredRecord> Read { get { lock (_gate) return [.. _read]; } }

    public IReadOnlyList<Commit> Commits { get { lock (_gate) return [.. _commits]; } }

    public IReadOnlyList<string> CommitErrors { get { lock (_gate) return [.. _commitErrors]; } }

    public void Start()
    {
        var p = new Process { StartInfo = _psi };
        p.OutputDataReceived += (_, e) => OnLine(e.Data);
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_gate) File.AppendAllText(_logPath, e.Data + "\n"); };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        _process = p;
    }

    private void OnLine(string? line)
    {
        if (line is null) { _done.TrySetResult(); return; }
        using var doc = JsonDocument.Parse(line);
        var o = doc.RootElement;
        lock (_gate)
        {
            if (o.TryGetProperty("r", out var records))
                foreach (var r in records.EnumerateArray())
                    _read.Add(new StoredRecord(r[0].GetInt32(), r[1].GetInt64(), r[2].GetString()!));
            else if (o.TryGetProperty("c", out var commits))
            {
                long at = o.GetProperty("t").GetInt64();
                foreach (var c in commits.EnumerateArray()) _commits.Add(new Commit(c[0].GetInt32(), c[1].GetInt64(), at));
            }
            else if (o.TryGetProperty("ce", out var error))
                _commitErrors.Add($"{Checker.Time(o.GetProperty("t").GetInt64())} {error.GetString()}");
            else if (o.TryGetProperty("fatal", out var fatal)) Fatal = fatal.GetString();
            else if (o.TryGetProperty("done", out _)) _done.TrySetResult();
        }
    }

    /// <summary>Stops it (stdin closed) and waits up to <paramref name="timeout"/> for it to close its consumer.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process is null) return;
        try { _process.StandardInput.Close(); } catch (IOException) { }
        if (await Task.WhenAny(_done.Task, Task.Delay(timeout)) != _done.Task)
            lock (_gate) Fatal ??= $"did not stop within {timeout.TotalSeconds:0} s";
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { });
    }

    public ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } p) p.Kill(entireProcessTree: true);
        _process?.Dispose();
        return ValueTask.CompletedTask;
    }
}
