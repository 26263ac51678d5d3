using System.Diagnostics;
using System.Text.Json;

namespace Broker.FaultSuite.Workload;

/// <summary>
/// A producer client run as a script in its own process — kafkajs 2.2.4 (js/producer.js under node, installed by
/// bin/fault-test.sh) or kafka-python (py/producer.py under Debian's /usr/bin/python3) —: values "&lt;prefix&gt;-N" to
/// partition N % partitions. Each outcome arrives as a JSON line on the script's stdout (see the scripts); closing its
/// stdin stops it. Its stderr (client warnings and errors) goes to <c>&lt;name&gt;.log</c> in the run directory.
/// </summary>
public sealed class ScriptProducer : IProducerWorkload
{
    private static string SuiteDirectory => Path.Combine(SuitePaths.Root, "tests", "Broker.FaultSuite");

    private readonly ProcessStartInfo _psi;
    private readonly string _logPath;
    private readonly Lock _gate = new();
    private readonly List<Ack> _acks = [];
    private readonly List<SendFailure> _failures = [];
    private readonly TaskCompletionSource<long> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Process? _process;

    private ScriptProducer(string name, string executable, string workingDirectory, string runDirectory, IEnumerable<string> arguments)
    {
        Name = name;
        _logPath = Path.Combine(runDirectory, name + ".log");
        _psi = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var a in arguments) _psi.ArgumentList.Add(a);
    }

    /// <summary>kafkajs 2.2.4, idempotent, acks=-1, at most <paramref name="inFlight"/> send() calls at once.</summary>
    public static ScriptProducer KafkaJs(string bootstrap, string topic, int partitions, int ratePerSecond, string runDirectory, int inFlight = 5)
    {
        var p = new ScriptProducer("kafkajs", "node", Path.Combine(SuiteDirectory, "js"), runDirectory,
            ["producer.js", bootstrap, topic, partitions.ToString(), ratePerSecond.ToString(), inFlight.ToString()]);
        p._psi.Environment["KAFKAJS_NO_PARTITIONER_WARNING"] = "1";
        return p;
    }

    /// <summary>kafka-python (Debian's python3-kafka 2.0.2: not idempotent; acks=all, retries, one request in flight).</summary>
    public static ScriptProducer KafkaPython(string bootstrap, string topic, int partitions, int ratePerSecond, string runDirectory) =>
        new("kafka-python", KafkaPythonConsumer.Python, Path.Combine(SuiteDirectory, "py"), runDirectory,
            ["producer.py", bootstrap, topic, partitions.ToString(), ratePerSecond.ToString()]);

    public string Name { get; }

    public string? Fatal { get; private set; }

    public IReadOnlyList<Ack> Acks { get { lock (_gate) return [.. _acks]; } }

    public IReadOnlyList<SendFailure> Failures { get { lock (_gate) return [.. _failures]; } }

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
        if (line is null) { _done.TrySetResult(-1); return; }
        using var doc = JsonDocument.Parse(line);
        var o = doc.RootElement;
        lock (_gate)
        {
            if (o.TryGetProperty("done", out _)) _done.TrySetResult(o.GetProperty("unresolved").GetInt64());
            else if (o.TryGetProperty("fatal", out var fatal)) Fatal = fatal.GetString();
            else if (o.TryGetProperty("err", out var err))
                _failures.Add(new SendFailure(Name, o.GetProperty("v").GetString()!, o.GetProperty("p").GetInt32(), err.GetString()!, o.GetProperty("t").GetInt64()));
            else
                _acks.Add(new Ack(Name, o.GetProperty("v").GetString()!, o.GetProperty("p").GetInt32(), o.GetProperty("o").GetInt64(), o.GetProperty("t").GetInt64()));
        }
    }

    public async Task<long> StopAsync(TimeSpan flush)
    {
        if (_process is null) return 0;
        _process.StandardInput.Close();
        var finished = await Task.WhenAny(_done.Task, Task.Delay(flush + TimeSpan.FromSeconds(5)));
        if (finished != _done.Task)
        {
            Fatal ??= $"{Name} producer did not finish its outstanding sends";
            return -1;
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { });
        return _done.Task.Result;
    }

    public ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } p) p.Kill(entireProcessTree: true);
        _process?.Dispose();
        return ValueTask.CompletedTask;
    }
}
