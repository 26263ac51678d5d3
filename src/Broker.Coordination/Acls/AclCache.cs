using System.Collections.Immutable;
using System.Globalization;
using System.Threading.Channels;
using Broker.Coordination.ZNodes;
using Broker.ZooKeeper;
using Microsoft.Extensions.Logging;

namespace Broker.Coordination.Acls;

/// <summary>
/// Every broker's copy of the ACLs stored in ZooKeeper (<c>/kafka-acl</c>, <c>/kafka-acl-extended/prefixed</c>), kept
/// current by the notifications under <c>/kafka-acl-changes</c> and <c>/kafka-acl-extended-changes</c> as Kafka's
/// AclAuthorizer does: a notification names one resource pattern, which is re-read. Notifications are processed in
/// sequence order per change root, each once; a new ZooKeeper session re-reads everything. <see cref="Snapshot"/> is
/// an immutable map replaced as a whole (lock-free reads, thread-safe); refreshes run one at a time on a loop, never on
/// the ZooKeeper event task. Writes go through <see cref="KafkaZkStore.UpdateAclsAsync"/>; the writer's own cache is
/// updated by the same notification, as in Kafka (and <see cref="Apply"/> applies a write at once on the writer).
/// </summary>
public sealed partial class AclCache : IAsyncDisposable
{
    private static readonly string[] ChangeRoots = [AclZNodes.LiteralChanges, AclZNodes.ExtendedChanges];

    private readonly KafkaZkStore _store;
    private readonly ILogger _logger;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<WatchedEvent, Task> _onChange;
    private readonly Dictionary<string, long> _lastSequence = new(StringComparer.Ordinal);
    private readonly Lock _writeLock = new();
    private volatile ImmutableDictionary<ResourcePattern, ImmutableArray<AclEntry>> _snapshot = ImmutableDictionary<ResourcePattern, ImmutableArray<AclEntry>>.Empty;
    private volatile bool _fullReadNeeded;
    private Task? _loop;
    private int _disposed;

    public AclCache(KafkaZkStore store, ILogger<AclCache> logger)
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

    /// <summary>Every resource pattern with ACLs and its entries, as of the last refresh. Never null; immutable.</summary>
    public ImmutableDictionary<ResourcePattern, ImmutableArray<AclEntry>> Snapshot => _snapshot;

    /// <summary>Creates the ACL paths, reads every ACL (the broker starts with all of them) and follows notifications.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        await _store.EnsureAclPathsAsync(ct).ConfigureAwait(false);
        await FullReadAsync(ct).ConfigureAwait(false);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Records a resource's entries just written by this broker (empty: none), before its notification arrives.</summary>
    public void Apply(ResourcePattern pattern, IReadOnlyCollection<AclEntry> entries)
    {
        lock (_writeLock)
            _snapshot = entries.Count == 0 ? _snapshot.Remove(pattern) : _snapshot.SetItem(pattern, [.. entries]);
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
                        foreach (var root in ChangeRoots) await ProcessNotificationsAsync(root, ct).ConfigureAwait(false);
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

    /// <summary>Arms the watches and notes the newest notifications first, then reads every resource: nothing falls between.</summary>
    private async Task FullReadAsync(CancellationToken ct)
    {
        foreach (var root in ChangeRoots)
        {
            var changes = await _store.GetAclChangesAsync(root, _onChange, ct).ConfigureAwait(false);
            _lastSequence[root] = changes.Select(Sequence).DefaultIfEmpty(-1).Max();
        }

        var builder = ImmutableDictionary.CreateBuilder<ResourcePattern, ImmutableArray<AclEntry>>();
        foreach (var pattern in await _store.GetAclResourcesAsync(ct).ConfigureAwait(false))
        {
            var entries = await ReadAsync(pattern, ct).ConfigureAwait(false);
            if (entries.Length > 0) builder[pattern] = entries;
        }

        lock (_writeLock) _snapshot = builder.ToImmutable();
        LogLoaded(_snapshot.Sum(kv => kv.Value.Length), _snapshot.Count);
    }

    private async Task ProcessNotificationsAsync(string root, CancellationToken ct)
    {
        var changes = await _store.GetAclChangesAsync(root, _onChange, ct).ConfigureAwait(false);
        long last = _lastSequence.GetValueOrDefault(root, -1);
        foreach (var (child, seq) in changes.Select(c => (c, Sequence(c))).Where(x => x.Item2 > last).OrderBy(x => x.Item2))
        {
            if (await _store.GetAclChangeAsync(root, child, ct).ConfigureAwait(false) is { } pattern)
                Apply(pattern, await ReadAsync(pattern, ct).ConfigureAwait(false));
            _lastSequence[root] = seq;
        }
    }

    private async Task<ImmutableArray<AclEntry>> ReadAsync(ResourcePattern pattern, CancellationToken ct)
    {
        try
        {
            return [.. (await _store.GetAclsAsync(pattern, ct).ConfigureAwait(false)).Distinct()];
        }
        catch (FormatException ex)
        {
            LogBadAcls(pattern.ToString(), ex.Message);
            return [];
        }
    }

    private static long Sequence(string child)
    {
        int i = child.LastIndexOf('_');
        return i >= 0 && long.TryParse(child.AsSpan(i + 1), NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : -1;
    }

    /// <summary>Stops following notifications. Idempotent (the lifecycle and the container both dispose it).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null) await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    [LoggerMessage(3600, LogLevel.Information, "Loaded {Count} ACLs on {Resources} resource patterns from ZooKeeper")]
    private partial void LogLoaded(int count, int resources);

    [LoggerMessage(3601, LogLevel.Warning, "Reading ACLs from ZooKeeper failed; retrying on the next change or session")]
    private partial void LogRefreshFailed(Exception ex);

    [LoggerMessage(3602, LogLevel.Warning, "Ignoring the ACLs of {Resource}: {Reason}")]
    private partial void LogBadAcls(string resource, string reason);
}
