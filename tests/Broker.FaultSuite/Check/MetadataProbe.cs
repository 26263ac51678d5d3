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

    /// <summary>
    /// Asks each broker once for the topic's metadata (kcat -L) until every answer lists all brokers and a leader for
    /// every partition, up to <paramref name="timeout"/>; returns the last unsatisfying answer per broker (empty: all good).
    /// </summary>
    public static async Task<List<string>> EveryBrokerKnowsLeadersAsync(IEnumerable<string> bootstraps, string topic, int brokers, int partitions, TimeSpan timeout)
    {
        var pending = bootstraps.ToDictionary(b => b, _ => "no answer");
        var deadline = DateTime.UtcNow + timeout;
        while (pending.Count > 0 && DateTime.UtcNow < deadline)
        {
            foreach (var bootstrap in pending.Keys.ToList())
            {
                var r = await ExternalProcess.RunAsync("kcat", ["-L", "-b", bootstrap, "-t", topic, "-J", "-m", "2"],
                    timeout: TimeSpan.FromSeconds(10), workingDirectory: SuitePaths.Root);
                try
                {
                    using var doc = JsonDocument.Parse(r.StandardOutput);
                    var root = doc.RootElement;
                    var brokerIds = root.GetProperty("brokers").EnumerateArray().Select(b => b.GetProperty("id").GetInt32()).ToList();
                    var leaders = root.GetProperty("topics").EnumerateArray()
                        .SelectMany(t => t.TryGetProperty("partitions", out var ps) ? ps.EnumerateArray().Select(p => p.GetProperty("leader").GetInt32()) : [])
                        .ToList();
                    if (brokerIds.Count == brokers && leaders.Count == partitions && leaders.All(l => l >= 0)) pending.Remove(bootstrap);
                    else pending[bootstrap] = $"{DateTime.UtcNow:HH:mm:ss.fff} brokers [{string.Join(",", brokerIds)}], leaders [{string.Join(",", leaders)}]: " +
                                              r.StandardOutput.Trim();
                }
                catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
                {
                    pending[bootstrap] = $"{DateTime.UtcNow:HH:mm:ss.fff} unreadable answer (exit {r.ExitCode}): {r.StandardOutput.Trim()} {r.StandardError.Trim()}";
                }
            }

            if (pending.Count > 0) await Task.Delay(500);
        }

        return pending.Select(kv => $"{kv.Key} answers Metadata without every broker and leader {timeout.TotalSeconds:0} s after the topic's ISRs " +
                                    $"were full in ZooKeeper: {kv.Value}").ToList();
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _loop;
    }
}
