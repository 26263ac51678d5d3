using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using Broker.Coordination.ZNodes;
using Broker.ZooKeeper;
using Microsoft.Extensions.Logging;

namespace Broker.Coordination;

/// <summary>
/// Every broker's copy of <c>/config/users</c> (SCRAM credentials live there), kept current by the
/// <c>/config/changes</c> notifications as Kafka's ZkConfigManager does: a notification whose entity path is
/// <c>users/&lt;user&gt;</c> re-reads that user. Notifications are processed in sequence order, each once; a new
/// ZooKeeper session re-reads everything (notifications may have been missed). The watch is this type's own (the
/// topic-config refresher keeps its own on the same path). Lookups are lock-free and thread-safe; refreshes run one
/// at a time on a loop, never on the ZooKeeper event task.
/// </summary>
public sealed partial class UserConfigCache : IAsyncDisposable
{
    private readonly KafkaZkStore _store;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, string>> _users = new(StringComparer.Ordinal);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<WatchedEvent, Task> _onChange;
    private long _lastSequence = -1;
    private volatile bool _fullReadNeeded;
    private Task? _loop;

    public UserConfigCache(KafkaZkStore store, ILogger<UserConfigCache> logger)
    {
        _store = store;
        _logger = logger;
        _onChange = _ =>
        {
            _wake.Writer.TryWrite(true);
            return Task.CompletedTask;
        };
        store.Client.SessionReestablished += () =>
        {
            _fullReadNeeded = true;
            _wake.Writer.TryWrite(true);
            return Task.CompletedTask;
        };
    }

    /// <summary>Raised (on the refresh loop) after a user's entry changed; the argument is the user name.</summary>
    public event Action<string>? UserChanged;

    /// <summary>The user's config (mechanism name → credential text, quota keys), or null when it has none.</summary>
    public IReadOnlyDictionary<string, string>? Get(string user) => _users.GetValueOrDefault(user);

    /// <summary>Users with a config node, as of the last refresh.</summary>
    public IReadOnlyCollection<string> Users => _users.Keys.ToList();

    /// <summary>Reads everything once (the broker starts with every credential) and starts following notifications.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        await FullReadAsync(ct).ConfigureAwait(false);
        _loop = Task.Run(RunAsync);
    }

    private async Task RunAsync()
    {
        var ct = _stop.Token;
        try
        {
            while (await _wake.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                _wake.Reader.TryRead(out _);
                try
                {
                    if (_fullReadNeeded)
                    {
                        _fullReadNeeded = false;
                        await FullReadAsync(ct).ConfigureAwait(false);
                    }
                    else
                    {
                        await ProcessNotificationsAsync(ct).ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    // ZooKeeper unreachable: the next session (or notification) triggers another read.
                    LogRefreshFailed(ex);
                    _fullReadNeeded = true;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Arms the watch and notes the newest notification first, then reads every user: nothing falls between.</summary>
    private async Task FullReadAsync(CancellationToken ct)
    {
        var changes = await _store.GetConfigChangesAsync(_onChange, ct).ConfigureAwait(false);
        Volatile.Write(ref _lastSequence, changes.Select(Sequence).DefaultIfEmpty(-1).Max());
        var users = await _store.GetConfiguredUsersAsync(ct).ConfigureAwait(false);
        foreach (var gone in _users.Keys.Except(users)) _users.TryRemove(gone, out _);
        foreach (var user in users) await ReadUserAsync(user, ct).ConfigureAwait(false);
        LogLoaded(_users.Count);
    }

    private async Task ProcessNotificationsAsync(CancellationToken ct)
    {
        var changes = await _store.GetConfigChangesAsync(_onChange, ct).ConfigureAwait(false);
        foreach (var (child, seq) in changes.Select(c => (c, Sequence(c))).Where(x => x.Item2 > _lastSequence).OrderBy(x => x.Item2))
        {
            var entity = await _store.GetConfigChangeEntityAsync(child, ct).ConfigureAwait(false);
            if (entity is not null && entity.StartsWith("users/", StringComparison.Ordinal) && entity.IndexOf('/', 6) < 0)
                await ReadUserAsync(UserConfigZNode.Desanitize(entity[6..]), ct).ConfigureAwait(false);
            Volatile.Write(ref _lastSequence, seq);
        }
    }

    private async Task ReadUserAsync(string user, CancellationToken ct)
    {
        IReadOnlyDictionary<string, string> config;
        try
        {
            config = await _store.GetUserConfigAsync(user, ct).ConfigureAwait(false);
        }
        catch (FormatException ex)
        {
            LogBadUserConfig(user, ex.Message);
            return;
        }

        if (config.Count == 0) _users.TryRemove(user, out _);
        else _users[user] = config;
        UserChanged?.Invoke(user);
    }

    private static long Sequence(string child)
    {
        int i = child.LastIndexOf('_');
        return i >= 0 && long.TryParse(child.AsSpan(i + 1), NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : -1;
    }

    private int _disposed;

    /// <summary>
    /// Stops following notifications. Idempotent: the cluster lifecycle disposes the cache when the broker leaves the
    /// cluster, and the service container disposes it again at exit (a second CancelAsync on the disposed token source
    /// failed every SIGTERM with exit code 1).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null) await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    [LoggerMessage(3300, LogLevel.Information, "Loaded the config of {Count} users from /config/users")]
    private partial void LogLoaded(int count);

    [LoggerMessage(3301, LogLevel.Warning, "Reading user configs from ZooKeeper failed; retrying on the next change or session")]
    private partial void LogRefreshFailed(Exception ex);

    [LoggerMessage(3302, LogLevel.Warning, "Ignoring the config of user {User}: {Reason}")]
    private partial void LogBadUserConfig(string user, string reason);
}
