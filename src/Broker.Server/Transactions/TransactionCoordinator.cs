using System.Collections.Concurrent;
using Broker.Protocol;
using Broker.Protocol.Records;
using Broker.Server.Cluster;
using Broker.Server.Groups;
using Broker.Server.Producers;
using Microsoft.Extensions.Logging;

namespace Broker.Server.Transactions;

/// <summary>
/// Kafka's transaction coordinator for the transactional ids whose <c>__transaction_state</c> partition this broker
/// leads (<c>abs(javaHashCode(id)) % partitions</c>, as Kafka places them). Thread-safety: one lock per id
/// (<see cref="TransactionMetadata.Sync"/>); a transition is appended under that lock (so the log order is the memory
/// order) and applied when the append is acknowledged; requests meeting a transition in flight answer
/// CONCURRENT_TRANSACTIONS, which clients retry. Markers are sent in the background until every partition leader
/// acknowledged them, then the transaction is completed in the log. Time comes from the injected
/// <see cref="TimeProvider"/>.
/// </summary>
public sealed partial class TransactionCoordinator : IDisposable
{
    /// <summary>An epoch at or above this cannot be bumped; the id gets a new producer id (as Kafka).</summary>
    public const short MaxBumpableEpoch = short.MaxValue - 1;

    private readonly ITransactionStateTopic _topic;
    private readonly IProducerIdAllocator _ids;
    private readonly IClusterMetadata _cluster;
    private readonly ITxnMarkerChannel _markers;
    private readonly TransactionCoordinatorOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, TransactionMetadata> _txns = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, PartitionOwnership> _partitions = new();
    private readonly Lock _ownershipLock = new();
    private readonly CancellationTokenSource _stopping = new();
    private long _lastLoadId;
    private ITimer? _abortTimer;
    private ITimer? _expiryTimer;

    public TransactionCoordinator(ITransactionStateTopic topic, IProducerIdAllocator ids, IClusterMetadata cluster, ITxnMarkerChannel markers,
        TransactionCoordinatorOptions options, TimeProvider time, ILogger<TransactionCoordinator> logger)
    {
        _topic = topic;
        _ids = ids;
        _cluster = cluster;
        _markers = markers;
        _options = options;
        _time = time;
        _logger = logger;
        topic.LeadershipChanged += (partition, leads) =>
        {
            if (leads) _ = LoadPartitionAsync(partition);
            else UnloadPartition(partition);
        };
    }

    /// <summary>The <c>__transaction_state</c> partition of <paramref name="transactionalId"/>.</summary>
    public int PartitionFor(string transactionalId) => GroupPartitioner.PartitionFor(transactionalId, _topic.PartitionCount);

    /// <summary>
    /// FindCoordinator for a transactional id: creates <c>__transaction_state</c> on first use, then answers the leader
    /// of the id's partition (starting to load it when this broker leads it and does not own it yet).
    /// </summary>
    public async Task<(ErrorCode Error, BrokerNode? Node)> FindCoordinatorAsync(string transactionalId)
    {
        var (error, _) = await _topic.EnsureCreatedAsync().ConfigureAwait(false);
        if (error != ErrorCode.None) return (error, null);
        int partition = PartitionFor(transactionalId);
        var leader = _topic.LeaderOf(partition);
        if (leader is null) return (ErrorCode.CoordinatorNotAvailable, null);
        if (_topic.IsLocalLeader(partition) && !_partitions.ContainsKey(partition)) _ = LoadPartitionAsync(partition);
        return (ErrorCode.None, leader);
    }

    /// <summary>A snapshot of the id's state, or null when unknown here (for tests and tools).</summary>
    public TransactionLogValue? Describe(string transactionalId)
    {
        if (!_txns.TryGetValue(transactionalId, out var m)) return null;
        lock (m.Sync) return m.Snapshot();
    }

    public void Dispose()
    {
        _abortTimer?.Dispose();
        _expiryTimer?.Dispose();
        _stopping.Cancel();
        foreach (int partition in _partitions.Keys) UnloadPartition(partition);
    }

    /// <summary>None, NOT_COORDINATOR (partition not owned) or COORDINATOR_LOAD_IN_PROGRESS.</summary>
    private ErrorCode CheckCoordinator(string transactionalId)
    {
        if (!_partitions.TryGetValue(PartitionFor(transactionalId), out var owned)) return ErrorCode.NotCoordinator;
        return owned.Loaded ? ErrorCode.None : ErrorCode.CoordinatorLoadInProgress;
    }

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// Starts writing <paramref name="next"/> for <paramref name="m"/>. Call under <c>m.Sync</c> with no transition
    /// pending; await the result outside the lock, then <see cref="FinishWrite"/>.
    /// </summary>
    private ValueTask<ErrorCode> BeginWrite(TransactionMetadata m, TransactionLogValue? next)
    {
        m.Pending = next ?? m.Snapshot() with { State = TransactionState.Dead };
        var builder = new RecordBatchBuilder(NowMs());
        builder.Add(TransactionLogCodec.EncodeKey(m.TransactionalId), next is null ? null : TransactionLogCodec.EncodeValue(next));
        try
        {
            return _topic.AppendAsync(m.Partition, builder.Build());
        }
        catch (Exception e) when (e is ObjectDisposedException or IOException)
        {
            LogAppendFailed(m.TransactionalId, e);
            return ValueTask.FromResult(ErrorCode.NotCoordinator);
        }
    }

    /// <summary>Applies a written transition (or forgets it when the write failed). Takes <c>m.Sync</c>.</summary>
    private bool FinishWrite(TransactionMetadata m, TransactionLogValue? next, ErrorCode error)
    {
        lock (m.Sync)
        {
            m.Pending = null;
            if (error != ErrorCode.None)
            {
                LogWriteFailed(m.TransactionalId, error.ToString());
                return false;
            }

            if (m.Removed) return false;
            if (next is null)
            {
                m.Removed = true;
                _txns.TryRemove(new KeyValuePair<string, TransactionMetadata>(m.TransactionalId, m));
                return true;
            }

            m.Apply(next);
            return true;
        }
    }

    /// <summary>Writes and applies in one step (for callers that hold no lock).</summary>
    private async Task<ErrorCode> WriteAsync(TransactionMetadata m, TransactionLogValue? next, ValueTask<ErrorCode> append)
    {
        ErrorCode error;
        try
        {
            error = await append.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogAppendFailed(m.TransactionalId, e);
            error = ErrorCode.NotCoordinator;
        }

        FinishWrite(m, next, error);
        return error;
    }

    /// <summary>Kafka maps a failed state write to what the client can act on: find the coordinator again, or retry.</summary>
    private static ErrorCode ClientError(ErrorCode error) => error switch
    {
        ErrorCode.None => ErrorCode.None,
        ErrorCode.NotCoordinator => ErrorCode.NotCoordinator,
        _ => ErrorCode.CoordinatorNotAvailable,
    };
}
