using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Broker.Storage.Log;

/// <summary>
/// Owns every partition log under the configured log dirs. At construction it writes/checks meta.properties,
/// finishes interrupted deletions, and loads each <c>&lt;topic&gt;-&lt;partition&gt;</c> folder with the recovery
/// point from that dir's <c>recovery-point-offset-checkpoint</c>. <see cref="Start"/> runs the background loop:
/// time-based flush, retention every log.retention.check.interval.ms, the recovery-point and log-start checkpoints.
/// A log's start comes from its dir's <c>log-start-offset-checkpoint</c> when DeleteRecords raised it.
/// Deleting a partition renames its folder to <c>&lt;topic&gt;-&lt;p&gt;.&lt;uuid&gt;-delete</c> (as Kafka) and
/// removes it in the background; leftovers are removed at the next start-up.
/// Thread-safety: all members are thread-safe.
/// </summary>
public sealed partial class LogManager : IDisposable
{
    private readonly LogManagerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<TopicPartition, PartitionLog> _logs = new();
    private readonly object _createLock = new();
    private readonly object _checkpointLock = new();
    private readonly List<Task> _backgroundDeletes = [];
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;
    private bool _disposed;

    /// <summary>Loads all existing partitions (runs log recovery); does not start background work.</summary>
    public LogManager(LogManagerOptions options, TimeProvider time, ILoggerFactory loggerFactory)
    {
        if (options.LogDirs.Count == 0)
        {
            throw new ArgumentException("At least one log dir is required.", nameof(options));
        }

        _options = options;
        _time = time;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<LogManager>();
        LogDirs = [.. options.LogDirs.Select(Path.GetFullPath)];
        Failures = new LogDirFailureChannel(_logger);
        Cleaner = new Cleaner.LogCleaner(options.Cleaner, () => All, LogDirs, time, loggerFactory.CreateLogger<Cleaner.LogCleaner>());
        try
        {
            foreach (string dir in LogDirs)
            {
                LoadLogDir(dir);
            }
        }
        catch
        {
            foreach (PartitionLog log in _logs.Values)
            {
                log.Dispose();
            }

            throw;
        }
    }

    /// <summary>Absolute log dirs in configuration order.</summary>
    public IReadOnlyList<string> LogDirs { get; }

    /// <summary>Log dirs taken offline by I/O errors; the broker subscribes to <see cref="LogDirFailureChannel.LogDirFailed"/>.</summary>
    public LogDirFailureChannel Failures { get; }

    /// <summary>The log cleaner (started by <see cref="Start"/>; compacts logs whose cleanup.policy contains compact).</summary>
    public Cleaner.LogCleaner Cleaner { get; }

    /// <summary>Log dirs still online, in configuration order.</summary>
    public IReadOnlyList<string> OnlineLogDirs => [.. LogDirs.Where(d => !Failures.IsOffline(d))];

    /// <summary>Snapshot of all partitions.</summary>
    public IReadOnlyCollection<PartitionLog> All => [.. _logs.Values];

    /// <summary>The log of a partition, or null when this broker has none.</summary>
    public PartitionLog? Get(string topic, int partition) =>
        _logs.TryGetValue(new TopicPartition(topic, partition), out PartitionLog? log) ? log : null;

    /// <summary>The partition's log, created in the least loaded dir when missing.</summary>
    /// <param name="topic">Topic name (Kafka's legal characters; may contain '-').</param>
    /// <param name="partition">Partition index, &gt;= 0.</param>
    /// <param name="config">Settings for a newly created log (default config when null); an existing log keeps its own.</param>
    public PartitionLog GetOrCreate(string topic, int partition, LogConfig? config = null)
    {
        var tp = new TopicPartition(topic, partition);
        if (_logs.TryGetValue(tp, out PartitionLog? existing))
        {
            return existing;
        }

        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        ArgumentException.ThrowIfNullOrEmpty(topic);
        lock (_createLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_logs.TryGetValue(tp, out existing))
            {
                return existing;
            }

            string dir = OnlineLogDirs.OrderBy(d => _logs.Values.Count(l => ParentDir(l) == d)).FirstOrDefault()
                ?? throw new KafkaStorageException($"No log dir is online (all of {string.Join(",", LogDirs)} failed).");
            PartitionLog log;
            try
            {
                log = PartitionLog.Open(Path.Combine(dir, tp.DirectoryName), config ?? _options.DefaultConfig, _time, CreateLogLogger());
            }
            catch (IOException e) when (e is not KafkaStorageException)
            {
                Failures.MarkOffline(dir, "creating the log of " + tp, e);
                throw new KafkaStorageException($"Could not create the log of {tp} in {dir}: {e.Message}", e);
            }

            log.AttachFailureChannel(Failures);
            _logs[tp] = log;
            return log;
        }
    }

    /// <summary>
    /// Removes a partition: closes its log, renames the folder to *.uuid-delete and deletes it in the background.
    /// Returns false when there was no such partition. Concurrent readers of that log get ObjectDisposedException.
    /// </summary>
    public bool DeletePartition(string topic, int partition)
    {
        lock (_createLock)
        {
            if (!_logs.TryRemove(new TopicPartition(topic, partition), out PartitionLog? log))
            {
                return false;
            }

            log.Dispose();
            string renamed = $"{log.Directory}.{Guid.NewGuid():N}-delete";
            Directory.Move(log.Directory, renamed);
            lock (_backgroundDeletes)
            {
                _backgroundDeletes.RemoveAll(t => t.IsCompleted);
                _backgroundDeletes.Add(Task.Run(() => DeleteDirectory(renamed)));
            }

            return true;
        }
    }

    /// <summary>Deletes every partition of <paramref name="topic"/>; returns how many there were.</summary>
    public int DeleteTopic(string topic) =>
        _logs.Keys.Where(tp => tp.Topic == topic).ToList().Count(tp => DeletePartition(tp.Topic, tp.Partition));

    /// <summary>Runs retention on every log now; returns the number of segments deleted.</summary>
    public int CleanupLogs()
    {
        int deleted = 0;
        foreach (PartitionLog log in _logs.Values)
        {
            deleted += log.DeleteOldSegments();
        }

        return deleted;
    }

    /// <summary>fsyncs every log and writes the recovery-point checkpoints.</summary>
    public void FlushAll()
    {
        foreach (PartitionLog log in _logs.Values)
        {
            try
            {
                log.Flush();
            }
            catch (ObjectDisposedException)
            {
                // Deleted concurrently.
            }
            catch (KafkaStorageException)
            {
                // Its dir is offline (already logged once); the other dirs are still flushed.
            }
        }

        CheckpointRecoveryPoints();
    }

    /// <summary>Writes each dir's recovery-point-offset-checkpoint from the logs' current recovery points.</summary>
    public void CheckpointRecoveryPoints()
    {
        lock (_checkpointLock)
        {
            foreach (string dir in OnlineLogDirs)
            {
                IEnumerable<KeyValuePair<TopicPartition, long>> points = _logs.Values
                    .Where(l => ParentDir(l) == dir)
                    .Select(l => KeyValuePair.Create(l.TopicPartition, l.RecoveryPoint));
                WriteCheckpoint(dir, CheckpointFile.RecoveryPointFileName, points);
            }
        }
    }

    /// <summary>Graceful shutdown: stops the loop, flushes and closes every log, writes final checkpoints.</summary>
    public void Dispose()
    {
        lock (_createLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _stopping.Cancel();
        Cleaner.Dispose();
        try
        {
            _loop?.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            // Expected on shutdown.
        }

        foreach (PartitionLog log in _logs.Values)
        {
            log.Dispose();
        }

        CheckpointRecoveryPoints();
        CheckpointLogStartOffsets();
        Task[] deletes;
        lock (_backgroundDeletes)
        {
            deletes = [.. _backgroundDeletes];
        }

        Task.WaitAll(deletes);
        _stopping.Dispose();
    }

    /// <summary>Writes one per-dir checkpoint file; an I/O error takes the dir offline instead of propagating.</summary>
    private void WriteCheckpoint(string dir, string fileName, IEnumerable<KeyValuePair<TopicPartition, long>> entries)
    {
        try
        {
            CheckpointFile.Write(Path.Combine(dir, fileName), entries);
        }
        catch (IOException e) when (e is not KafkaStorageException)
        {
            Failures.MarkOffline(dir, "writing " + fileName, e);
        }
    }

    private static string ParentDir(PartitionLog log) => Path.GetDirectoryName(log.Directory)!;

    private ILogger CreateLogLogger() => _loggerFactory.CreateLogger<PartitionLog>();

    private void LoadLogDir(string dir)
    {
        Directory.CreateDirectory(dir);
        MetaProperties.EnsureOrWrite(dir, _options.BrokerId, _options.ClusterId);
        Dictionary<TopicPartition, long> recoveryPoints = CheckpointFile.Read(Path.Combine(dir, CheckpointFile.RecoveryPointFileName));
        Dictionary<TopicPartition, long> logStartOffsets = ReadLogStartOffsets(dir);
        foreach (string child in Directory.EnumerateDirectories(dir))
        {
            string name = Path.GetFileName(child);
            if (name.EndsWith("-delete", StringComparison.Ordinal))
            {
                DeleteDirectory(child);
                continue;
            }

            if (!TopicPartition.TryParseDirectoryName(name, out TopicPartition tp))
            {
                continue;
            }

            long recoveryPoint = recoveryPoints.GetValueOrDefault(tp, 0);
            PartitionLog log = PartitionLog.Open(child, _options.DefaultConfig, _time, CreateLogLogger(), recoveryPoint, logStartOffsets.GetValueOrDefault(tp, 0));
            log.AttachFailureChannel(Failures);
            if (!_logs.TryAdd(tp, log))
            {
                log.Dispose();
                throw new InvalidOperationException($"Partition {tp} exists in more than one log dir ({child}).");
            }
        }
    }

    private void DeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException e)
        {
            _logger.DeleteFailed(e, path);
        }
    }
}
