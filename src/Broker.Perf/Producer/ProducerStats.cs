using Broker.Perf.Common;

namespace Broker.Perf.Producer;

/// <summary>
/// Counts acknowledged sends the way Kafka's ProducerPerformance does: latency is send → delivery callback in whole
/// milliseconds; a window line is printed every <see cref="ReportingIntervalMs"/> from the callback that closes it;
/// percentiles come from a sample of at most 500,000 latencies (every <c>sampling</c>-th callback), indexed as
/// <c>(int)(p × size)</c> on the sorted sample. MB = 2^20 bytes.
/// Thread-safety: <see cref="Record"/> may be called from several producers' callback threads (a lock; uncontended
/// with one producer); the print methods are called after sending ends.
/// </summary>
internal sealed class ProducerStats
{
    public const long ReportingIntervalMs = 5000;
    private const long MaxSamples = 500_000;

    private readonly object _lock = new();
    private readonly TextWriter _out;
    private long _start;
    private readonly int _sampling;
    private readonly int[] _latencies;
    private int _index;
    private long _count, _bytes, _totalLatency;
    private int _maxLatency;
    private long _windowStart, _windowCount, _windowBytes, _windowTotalLatency;
    private int _windowMaxLatency;
    private long _failures;

    public ProducerStats(long numRecords, TextWriter output, long nowMs)
    {
        _out = output;
        _start = nowMs;
        _windowStart = nowMs;
        _sampling = (int)Math.Max(1, numRecords / Math.Max(1, Math.Min(numRecords, MaxSamples)));
        _latencies = new int[(int)(Math.Max(numRecords, 1) / _sampling) + 1];
    }

    public long Count => Interlocked.Read(ref _count);

    /// <summary>Restarts the clocks (call right before the first send, once the producers exist, as Kafka's tool does).</summary>
    public void Start(long nowMs)
    {
        lock (_lock)
        {
            _start = nowMs;
            _windowStart = nowMs;
        }
    }

    public long Failures => Interlocked.Read(ref _failures);

    public static long NowMs() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public long RecordFailure() => Interlocked.Increment(ref _failures);

    /// <summary>One acknowledged record of <paramref name="bytes"/> bytes, sent <paramref name="latencyMs"/> ago.</summary>
    public void Record(int latencyMs, int bytes, long nowMs)
    {
        lock (_lock)
        {
            long iteration = _count;
            _count++;
            _bytes += bytes;
            _totalLatency += latencyMs;
            _maxLatency = Math.Max(_maxLatency, latencyMs);
            _windowCount++;
            _windowBytes += bytes;
            _windowTotalLatency += latencyMs;
            _windowMaxLatency = Math.Max(_windowMaxLatency, latencyMs);
            if (iteration % _sampling == 0 && _index < _latencies.Length) _latencies[_index++] = latencyMs;
            if (nowMs - _windowStart >= ReportingIntervalMs)
            {
                PrintWindow(nowMs);
                _windowStart = nowMs;
                _windowCount = _windowBytes = _windowTotalLatency = 0;
                _windowMaxLatency = 0;
            }
        }
    }

    private void PrintWindow(long nowMs)
    {
        long elapsed = Math.Max(1, nowMs - _windowStart);
        double recsPerSec = 1000.0 * _windowCount / elapsed;
        double mbPerSec = 1000.0 * _windowBytes / elapsed / (1024.0 * 1024.0);
        _out.WriteLine($"{_windowCount} records sent, {JavaFormat.F(recsPerSec, 1)} records/sec ({JavaFormat.F(mbPerSec, 2)} MB/sec), " +
                       $"{JavaFormat.F(_windowTotalLatency / (double)_windowCount, 1)} ms avg latency, {JavaFormat.F(_windowMaxLatency, 1)} ms max latency.");
        _out.Flush();
    }

    /// <summary>The final line; call once every callback has run (after Flush).</summary>
    public void PrintTotal(long nowMs)
    {
        lock (_lock)
        {
            long elapsed = Math.Max(1, nowMs - _start);
            double recsPerSec = 1000.0 * _count / elapsed;
            double mbPerSec = 1000.0 * _bytes / elapsed / (1024.0 * 1024.0);
            var p = Percentiles(0.5, 0.95, 0.99, 0.999);
            double avg = _count == 0 ? 0 : _totalLatency / (double)_count;
            _out.WriteLine($"{_count} records sent, {JavaFormat.F(recsPerSec, 6)} records/sec ({JavaFormat.F(mbPerSec, 2)} MB/sec), " +
                           $"{JavaFormat.F(avg, 2)} ms avg latency, {JavaFormat.F(_maxLatency, 2)} ms max latency, " +
                           $"{p[0]} ms 50th, {p[1]} ms 95th, {p[2]} ms 99th, {p[3]} ms 99.9th.");
            _out.Flush();
        }
    }

    private int[] Percentiles(params double[] ps)
    {
        int size = _index;
        Array.Sort(_latencies, 0, size);
        return ps.Select(p => size == 0 ? 0 : _latencies[Math.Min(size - 1, (int)(p * size))]).ToArray();
    }
}
