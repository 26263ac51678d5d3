using Broker.Storage.Log;
using Microsoft.Extensions.Logging;

namespace Broker.Storage.Cleaner;

/// <summary>
/// The log cleaner (Kafka's LogCleaner): log.cleaner.threads background threads, each with its own
/// <see cref="Cleaner"/> (dedupe map of log.cleaner.dedupe.buffer.size / threads bytes), repeatedly take the
/// filthiest compacted log from the <see cref="LogCleanerManager"/>, clean it and checkpoint; when none needs cleaning
/// a thread sleeps log.cleaner.backoff.ms. All threads share one I/O throttle (log.cleaner.io.max.bytes.per.second).
/// Nothing runs when log.cleaner.enable is false or threads is 0.
/// Thread-safety: all members are thread-safe.
/// </summary>
public sealed class LogCleaner : IDisposable
{
    private readonly CleanerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Throttler _throttler;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Thread> _threads = [];
    private readonly object _statsLock = new();
    private long _bytesRead;
    private long _bytesWritten;
    private long _elapsedMs;
    private int _cleanings;
    private bool _disposed;

    public LogCleaner(CleanerOptions options, Func<IReadOnlyCollection<PartitionLog>> logs, IEnumerable<string> logDirs, TimeProvider time, ILogger logger)
    {
        _options = options;
        _time = time;
        _logger = logger;
        _throttler = new Throttler(options.IoMaxBytesPerSecond, time);
        Manager = new LogCleanerManager(logs, logDirs);
    }

    /// <summary>Choice of logs and the cleaner-offset-checkpoint files.</summary>
    public LogCleanerManager Manager { get; }

    /// <summary>Completed cleanings since start.</summary>
    public int Cleanings => Volatile.Read(ref _cleanings);

    /// <summary>Totals since start: bytes read, bytes written and time spent cleaning (ms).</summary>
    public (long BytesRead, long BytesWritten, long ElapsedMs) Totals
    {
        get
        {
            lock (_statsLock)
            {
                return (_bytesRead, _bytesWritten, _elapsedMs);
            }
        }
    }

    /// <summary>Starts the threads (no-op when disabled or already started).</summary>
    public void Start()
    {
        lock (_threads)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_options.Enable || _options.Threads <= 0 || _threads.Count > 0)
            {
                return;
            }

            for (int i = 0; i < _options.Threads; i++)
            {
                var cleaner = new Cleaner(_options, _throttler, _time, _logger);
                if (i == 0)
                {
                    _logger.CleanerStarted(_options.Threads, _options.DedupeBytesPerThread, cleaner.MapCapacity, _options.IoBufferPerThread);
                }

                var thread = new Thread(() => Run(cleaner, _stopping.Token)) { IsBackground = true, Name = $"kafka-log-cleaner-thread-{i}" };
                _threads.Add(thread);
                thread.Start();
            }
        }
    }

    /// <summary>
    /// Cleans the filthiest log once on the calling thread with <paramref name="cleaner"/>; returns null when no log
    /// needs cleaning. Used by the threads and by tests.
    /// </summary>
    public CleanResult? CleanFilthiestLog(Cleaner cleaner, CancellationToken cancellationToken = default)
    {
        LogToClean? next = Manager.GrabFilthiestLog(_time.GetUtcNow().ToUnixTimeMilliseconds());
        foreach ((PartitionLog failed, Exception error) in Manager.DrainEvaluationFailures())
        {
            _logger.MarkedUncleanable(error, failed.Directory, failed.TopicPartition.ToString(), Manager.UncleanablePartitionsCount);
        }

        if (next is null)
        {
            return null;
        }

        try
        {
            CleanResult result = cleaner.Clean(next.Log, next.FirstDirtyOffset, next.UpperBound, cancellationToken);
            Manager.DoneCleaning(next, result);
            lock (_statsLock)
            {
                _bytesRead += result.BytesRead;
                _bytesWritten += result.BytesWritten;
                _elapsedMs += result.ElapsedMs;
            }

            Interlocked.Increment(ref _cleanings);
            return result;
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            // Stopping, or the log was deleted meanwhile: nothing is wrong with the log itself.
            Manager.AbortCleaning(next);
            throw;
        }
        catch (Exception e)
        {
            // Kafka's LogCleaningException: the partition is marked uncleanable and skipped; the others go on.
            Manager.MarkUncleanable(next);
            _logger.MarkedUncleanable(e, next.Log.Directory, next.Log.TopicPartition.ToString(), Manager.UncleanablePartitionsCount);
            throw;
        }
    }

    /// <summary>A cleaner with this cleaner's settings and shared throttle (for <see cref="CleanFilthiestLog"/>).</summary>
    public Cleaner CreateCleaner() => new(_options, _throttler, _time, _logger);

    /// <summary>Stops the threads; an in-flight cleaning stops at its next batch and leaves only stray files.</summary>
    public void Dispose()
    {
        lock (_threads)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _stopping.Cancel();
        foreach (Thread thread in _threads)
        {
            thread.Join();
        }

        _stopping.Dispose();
    }

    private void Run(Cleaner cleaner, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            CleanResult? result = null;
            try
            {
                result = CleanFilthiestLog(cleaner, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Logged by CleanFilthiestLog, which marked the log uncleanable; the others are taken after the backoff.
            }

            if (result is null)
            {
                // Nothing to do (or a failure): Kafka's log.cleaner.backoff.ms.
                cancellationToken.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(_options.BackoffMs));
            }
        }
    }
}
