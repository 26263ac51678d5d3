namespace Broker.Server.Replication;

/// <summary>
/// A bytes-per-second budget for throttled replication traffic (Kafka's ReplicationQuotaManager, one for the leader
/// side and one for the follower side). A token bucket holding at most one second of the rate: <see cref="Record"/>
/// spends, time refills, and the quota is exceeded while the bucket is below zero, so over any long interval at most
/// rate × seconds + one burst (a fetch's bytes) pass. The rate is read on each call (dynamic configs change it);
/// <see cref="long.MaxValue"/> means unlimited. Thread-safe (one lock; calls are short).
/// </summary>
public sealed class ReplicationQuota(Func<long> rate, TimeProvider time)
{
    private readonly Lock _lock = new();
    private double _tokens;
    private long _last = time.GetTimestamp();
    private long _total;

    /// <summary>Bytes recorded since start (for tests and logs).</summary>
    public long TotalBytes => Interlocked.Read(ref _total);

    /// <summary>True when a rate is set (not <see cref="long.MaxValue"/>).</summary>
    public bool IsLimited => rate() is > 0 and < long.MaxValue;

    /// <summary>True while more than the rate has been spent: throttled partitions get no data now.</summary>
    public bool IsExceeded()
    {
        long limit = rate();
        if (limit >= long.MaxValue) return false;
        lock (_lock)
        {
            Refill(limit);
            return _tokens < 0;
        }
    }

    /// <summary>Spends <paramref name="bytes"/> of throttled traffic (sent or fetched).</summary>
    public void Record(long bytes)
    {
        if (bytes <= 0) return;
        Interlocked.Add(ref _total, bytes);
        long limit = rate();
        if (limit >= long.MaxValue) return;
        lock (_lock)
        {
            Refill(limit);
            _tokens -= bytes;
        }
    }

    private void Refill(long limit)
    {
        long now = time.GetTimestamp();
        double seconds = time.GetElapsedTime(_last, now).TotalSeconds;
        _last = now;
        _tokens = Math.Min(limit, _tokens + seconds * limit);
    }
}
