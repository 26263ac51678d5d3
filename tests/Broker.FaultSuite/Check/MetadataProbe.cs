using System.Text.Json;
using Broker.TestKit;

namespace Broker.FaultSuite.Check;

/// <summary>
/// Asks one broker for metadata (kcat -L, a librdkafka client) in a loop while it restarts, and keeps every answer
/// that lists fewer than all brokers or a partition without a leader: a client that trusts such an answer (librdkafka
/// 2.x forgets brokers missing from metadata) may lose its way to the cluster.
/// </summary>
public sealed class MetadataProbe : IAsyncDisposable
{
    private readonly string _bootstrap, _topic;
    private readonly int _brokers;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _partialAnswers = [];
    private readonly Task _loop;
    private int _answers;

    public MetadataProbe(string bootstrap, string topic, int brokers)
    {
        _bootstrap = bootstrap;
        _topic = topic;
        _brokers = brokers;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Answers that listed fewer brokers than the cluster has, or a partition without a leader (first 10).</summary>
    public IReadOnlyList<string> PartialAnswers { get { lock (_partialAnswers) return [.. _partialAnswers]; } }

    public int Answers => _answers;

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var r = await ExternalProcess.RunAsync("kcat", ["-L", "-b", _bootstrap, "-t", _topic, "-J", "-m", "2"],
                    timeout: TimeSpan.FromSeconds(10), workingDirectory: SuitePaths.Root);
                if (r.ExitCode == 0 && r.StandardOutput.TrimStart().StartsWith('{'))
                {
                    Interlocked.Increment(ref _answers);
                    using var doc = JsonDocument.Parse(r.StandardOutput);
                    var root = doc.RootElement;
                    int brokers = root.GetProperty("brokers").GetArrayLength();
                    var leaders = root.GetProperty("topics").EnumerateArray()
                        .SelectMany(t => t.TryGetProperty("partitions", out var ps) ? ps.EnumerateArray().Select(p => p.GetProperty("leader").GetInt32()) : [])
                        .ToList();
                    if (brokers < _brokers || leaders.Count == 0 || leaders.Any(l => l < 0))
                    {
                        lock (_partialAnswers)
                        {
                            if (_partialAnswers.Count < 10)
                                _partialAnswers.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {_bootstrap} answered Metadata with {brokers} broker(s) " +
                                                    $"[{string.Join(",", root.GetProperty("brokers").EnumerateArray().Select(b => b.GetProperty("id").GetInt32()))}], " +
                                                    $"leaders of {_topic} [{string.Join(",", leaders)}]");
                        }
                    }
                }
            }
            catch (Exception e) when (e is TimeoutException or JsonException or KeyNotFoundException or InvalidOperationException)
            {
            }

            try { await Task.Delay(100, _stop.Token); } catch (OperationCanceledException) { }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _loop;
    }
}
