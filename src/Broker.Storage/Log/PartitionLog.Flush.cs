namespace Broker.Storage.Log;

public sealed partial class PartitionLog
{
    /// <summary>fsyncs everything up to <see cref="LogEndOffset"/> and advances <see cref="RecoveryPoint"/>.</summary>
    public void Flush()
    {
        lock (_lock)
        {
            ThrowIfDisposed();
            ThrowIfOffline();
            try
            {
                FlushLocked();
            }
            catch (IOException e) when (e is not KafkaStorageException)
            {
                throw DirFailed("flush", e);
            }
        }
    }

    /// <summary>Flushes when flush.ms has passed since the last flush; returns whether it did.</summary>
    public bool FlushIfDue()
    {
        LogConfig config = Config;
        if (config.FlushIntervalMs == long.MaxValue || NowMs() - Interlocked.Read(ref _lastFlushTimeMs) < config.FlushIntervalMs)
        {
            return false;
        }

        lock (_lock)
        {
            if (_disposed || IsOffline)
            {
                return false;
            }

            try
            {
                FlushLocked();
            }
            catch (IOException e) when (e is not KafkaStorageException)
            {
                throw DirFailed("flush", e);
            }

            return true;
        }
    }

    private void FlushLocked()
    {
        FlushUpTo(_logEndOffset);
        _unflushedMessages = 0;
        Interlocked.Exchange(ref _lastFlushTimeMs, NowMs());
    }

    /// <summary>
    /// fsyncs the segments holding offsets in [RecoveryPoint, upTo) and raises the recovery point. Runs with or
    /// without the lock: fsync does not conflict with appends, and the recovery point only grows.
    /// </summary>
    private void FlushUpTo(long upTo)
    {
        long recoveryPoint = RecoveryPoint;
        if (upTo <= recoveryPoint)
        {
            return;
        }

        LogSegment[] segments = Volatile.Read(ref _segments);
        for (int i = FloorSegment(segments, recoveryPoint); i < segments.Length && segments[i].BaseOffset < upTo; i++)
        {
            segments[i].Flush();
        }

        long current;
        do
        {
            current = Interlocked.Read(ref _recoveryPoint);
            if (current >= upTo)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _recoveryPoint, upTo, current) != current);
    }
}
