namespace Broker.Storage.Cleaner;

/// <summary>
/// Bounds the cleaner's I/O to log.cleaner.io.max.bytes.per.second across all cleaner threads (Kafka's Throttler):
/// bytes are counted per check period and a thread that ran ahead sleeps off the excess. Thread-safe.
/// </summary>
public sealed class Throttler
{
    private const long CheckIntervalMs = 300;
    private readonly double _bytesPerSecond;
    private readonly TimeProvider _time;
    private readonly object _lock = new();
    private long _periodStartMs;
    private double _bytesInPeriod;

    public Throttler(double bytesPerSecond, TimeProvider time)
    {
        _bytesPerSecond = bytesPerSecond;
        _time = time;
        _periodStartMs = NowMs();
    }

    /// <summary>Total time spent sleeping, in milliseconds (for the cleaner's statistics).</summary>
    public long ThrottledMs { get; private set; }

    /// <summary>Accounts <paramref name="bytes"/> and sleeps when the rate so far exceeds the bound.</summary>
    public void MaybeThrottle(long bytes, CancellationToken cancellationToken)
    {
        if (_bytesPerSecond >= double.MaxValue || bytes <= 0)
        {
            return;
        }

        long sleepMs = 0;
        lock (_lock)
        {
            _bytesInPeriod += bytes;
            long now = NowMs();
            long elapsed = now - _periodStartMs;
            if (elapsed < CheckIntervalMs)
            {
                return;
            }

            double rate = _bytesInPeriod * 1000.0 / elapsed;
            if (rate > _bytesPerSecond)
            {
                sleepMs = (long)((_bytesInPeriod * 1000.0 / _bytesPerSecond) - elapsed);
                ThrottledMs += sleepMs;
            }

            _periodStartMs = now + sleepMs;
            _bytesInPeriod = 0;
        }

        if (sleepMs > 0)
        {
            // A rate limit, not synchronisation: the cleaner really has to wait this long.
            cancellationToken.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(sleepMs));
        }
    }

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();
}
