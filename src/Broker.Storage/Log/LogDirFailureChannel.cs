using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Broker.Storage.Log;

/// <summary>
/// Records log dirs that failed with an I/O error (Kafka's LogDirFailureChannel). A dir goes offline once and stays
/// offline until the broker restarts: every partition log in it refuses further writes with
/// <see cref="KafkaStorageException"/>, and <see cref="LogDirFailed"/> tells the broker (which then leaves the
/// cluster when no dir is left). Thread-safety: all members are thread-safe; the event is raised once per dir, on the
/// thread that hit the error, possibly under a partition's lock (handlers must not block: hand work to a task).
/// </summary>
public sealed class LogDirFailureChannel
{
    private readonly ConcurrentDictionary<string, string> _offline = new(StringComparer.Ordinal);
    private readonly ILogger _logger;

    public LogDirFailureChannel(ILogger logger) => _logger = logger;

    /// <summary>Raised once per dir when it goes offline, with the dir's absolute path.</summary>
    public event Action<string>? LogDirFailed;

    /// <summary>Offline dirs (absolute paths).</summary>
    public IReadOnlyCollection<string> OfflineDirs => [.. _offline.Keys];

    public bool IsOffline(string dir) => _offline.ContainsKey(dir);

    /// <summary>
    /// Marks <paramref name="dir"/> offline because of <paramref name="cause"/>; logs one error and raises
    /// <see cref="LogDirFailed"/> the first time only. Returns true when this call took it offline.
    /// </summary>
    public bool MarkOffline(string dir, string operation, Exception cause)
    {
        if (!_offline.TryAdd(dir, operation))
        {
            return false;
        }

        _logger.LogDirOffline(cause, dir, operation, cause.Message);
        LogDirFailed?.Invoke(dir);
        return true;
    }
}
