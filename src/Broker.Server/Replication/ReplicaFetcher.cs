using System.Collections.Concurrent;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Cluster;
using Broker.Server.Configuration;
using Broker.Server.Partitions;
using Broker.Storage;
using Microsoft.Extensions.Logging;

namespace Broker.Server.Replication;

/// <summary>
/// Copies the partitions this broker follows from one leader broker (Kafka's ReplicaFetcherThread): for each newly
/// added partition it first asks the leader, with OffsetForLeaderEpoch, where its latest leader epoch ends and
/// truncates to the divergence point (KIP-101/KIP-279, repeated until both sides agree on an epoch), then fetches in
/// a loop with Fetch (replica id set) and appends what it gets as a follower. The leader learns the follower's log
/// end from the fetch offset of the next fetch, which is what moves its high watermark.
/// Thread-safety: partitions are added and removed by the manager from other threads (concurrent dictionary);
/// everything else runs on the fetcher's own loop.
/// </summary>
internal sealed partial class ReplicaFetcher : IAsyncDisposable
{
    private const short FetchVersion = 12;
    private const short EpochVersion = 3;

    private readonly int _leaderId;
    private readonly BrokerConfig _config;
    private readonly Func<int, BrokerNode?> _endpoints;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<TopicPartition, FetchState> _partitions = new();
    private readonly ChangeSignal _added = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private BrokerClient? _client;
    private long _lastOrder;

    public ReplicaFetcher(int leaderId, BrokerConfig config, Func<int, BrokerNode?> endpoints, TimeProvider time, ILogger logger)
    {
        _leaderId = leaderId;
        _config = config;
        _endpoints = endpoints;
        _time = time;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    public int LeaderId => _leaderId;

    public int PartitionCount => _partitions.Count;

    public void Add(Partition partition, int leaderEpoch)
    {
        _partitions[partition.Id] = new FetchState(partition, leaderEpoch) { Order = Interlocked.Increment(ref _lastOrder) };
        _added.Notify();
    }

    public bool Remove(TopicPartition id) => _partitions.TryRemove(id, out _);

    /// <summary>True when this fetcher already copies this very partition object under <paramref name="leaderEpoch"/>.</summary>
    public bool IsFollowing(Partition partition, int leaderEpoch) =>
        _partitions.TryGetValue(partition.Id, out var s) && ReferenceEquals(s.Partition, partition) && s.LeaderEpoch == leaderEpoch;

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private async Task RunAsync()
    {
        var ct = _stop.Token;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var added = _added.WaitAsync();
                if (_partitions.IsEmpty)
                {
                    // Idle (every partition moved to another leader): wait for work without touching the connection.
                    await Task.WhenAny(added, Task.Delay(TimeSpan.FromSeconds(1), _time, ct)).ConfigureAwait(false);
                    continue;
                }

                _client ??= await ConnectAsync(ct).ConfigureAwait(false);
                if (_client is null)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(500), _time, ct).ConfigureAwait(false);
                    continue;
                }

                await TruncateAsync(_client, ct).ConfigureAwait(false);
                if (!await FetchAsync(_client, ct).ConfigureAwait(false))
                    await Task.WhenAny(added, Task.Delay(TimeSpan.FromMilliseconds(100), _time, ct)).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (TimeoutException)
            {
                // A slow or paused leader: a fresh connection for the next attempt.
                await DropConnectionAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                if (e is IOException or System.Net.Sockets.SocketException or ProtocolException or ObjectDisposedException)
                    LogConnectionFailed(_leaderId, e.Message);
                else
                    LogFetcherError(e, _leaderId);
                await DropConnectionAsync().ConfigureAwait(false);
                if (!await BackOffAsync(ct).ConfigureAwait(false)) break;
            }
        }
    }

    /// <summary>Waits before the next attempt; false when the fetcher is stopping.</summary>
    private async Task<bool> BackOffAsync(CancellationToken ct)
    {
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), _time, ct).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task<BrokerClient?> ConnectAsync(CancellationToken ct)
    {
        if (_endpoints(_leaderId) is not { } node) return null;
        try
        {
            return await BrokerClient.ConnectToBrokerAsync(_config, _leaderId, node.Host, node.Port, $"broker-{_config.BrokerId}-fetcher-{_leaderId}",
                TimeSpan.FromMilliseconds(Math.Max(1000, _config.ReplicaSocketTimeoutMs)), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            LogConnectionFailed(_leaderId, e.Message);
            return null;
        }
    }

    private async Task DropConnectionAsync()
    {
        if (_client is { } c)
        {
            _client = null;
            await c.DisposeAsync().ConfigureAwait(false);
        }
    }

    private TimeSpan RequestTimeout => TimeSpan.FromMilliseconds(Math.Max(1000, _config.ReplicaSocketTimeoutMs) + _config.ReplicaFetchWaitMaxMs);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await DropConnectionAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    [LoggerMessage(530, LogLevel.Warning, "Replica fetcher for leader {Leader}: connection failed ({Reason}); retrying")]
    private partial void LogConnectionFailed(int leader, string reason);

    [LoggerMessage(531, LogLevel.Error, "Replica fetcher for leader {Leader} failed; retrying")]
    private partial void LogFetcherError(Exception e, int leader);

    [LoggerMessage(532, LogLevel.Information, "Partition {Topic}-{Partition}: truncated to {Offset} to match leader {Leader} (leader epoch {Epoch} ends at {LeaderEnd})")]
    private partial void LogTruncated(string topic, int partition, long offset, int leader, int epoch, long leaderEnd);

    [LoggerMessage(533, LogLevel.Warning, "Partition {Topic}-{Partition}: leader {Leader} answered {Error}; waiting for new metadata")]
    private partial void LogPartitionError(string topic, int partition, int leader, string error);

    [LoggerMessage(534, LogLevel.Warning, "Partition {Topic}-{Partition}: below the leader's log start {Offset}; restarting the local log there")]
    private partial void LogReset(string topic, int partition, long offset);
}
