using Broker.Protocol.Records;
using Broker.Server.Groups;
using Microsoft.Extensions.Hosting;

namespace Broker.Server.Transactions;

public sealed partial class TransactionCoordinator : IHostedService
{
    /// <summary>Start-up: loads the partitions this broker leads and starts the abort and expiry timers.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_topic.Exists)
        {
            for (int p = 0; p < _topic.PartitionCount; p++)
            {
                if (_topic.IsLocalLeader(p)) _ = LoadPartitionAsync(p);
            }
        }

        var abort = TimeSpan.FromMilliseconds(_options.AbortTimedOutIntervalMs);
        _abortTimer = _time.CreateTimer(_ => AbortTimedOut(), null, abort, abort);
        var expiry = TimeSpan.FromMilliseconds(_options.RemoveExpiredIntervalMs);
        _expiryTimer = _time.CreateTimer(_ => RemoveExpired(), null, expiry, expiry);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    /// <summary>True once <paramref name="partition"/> is owned and loaded.</summary>
    public bool IsLoaded(int partition) => _partitions.TryGetValue(partition, out var owned) && owned.Loaded;

    /// <summary>
    /// Takes ownership of a <c>__transaction_state</c> partition (this broker became its leader): replays it (the last
    /// value of each id wins, a tombstone removes it), then resumes what the previous coordinator left: prepared
    /// transactions get their markers sent again and are completed; ongoing ones keep their start time, so the abort
    /// timer ends them if their producer is gone. Until then the ids answer COORDINATOR_LOAD_IN_PROGRESS.
    /// </summary>
    public Task LoadPartitionAsync(int partition)
    {
        long loadId;
        lock (_ownershipLock)
        {
            if (_partitions.ContainsKey(partition)) return Task.CompletedTask;
            loadId = ++_lastLoadId;
            _partitions[partition] = new PartitionOwnership(loadId, Loaded: false);
        }

        return Task.Run(() => Load(partition, loadId));
    }

    /// <summary>Gives up a partition (leadership moved): its ids are forgotten here; completions in flight stop.</summary>
    public void UnloadPartition(int partition)
    {
        lock (_ownershipLock)
        {
            _partitions.TryRemove(partition, out _);
            DropIdsOf(partition);
        }

        LogUnloaded(partition);
    }

    private void DropIdsOf(int partition)
    {
        foreach (var m in _txns.Values.Where(t => t.Partition == partition).ToList())
        {
            lock (m.Sync) m.Removed = true;
            _txns.TryRemove(new KeyValuePair<string, TransactionMetadata>(m.TransactionalId, m));
        }
    }

    private bool OwnsLoad(int partition, long loadId) => _partitions.TryGetValue(partition, out var owned) && owned.LoadId == loadId;

    private void Load(int partition, long loadId)
    {
        try
        {
            var values = new Dictionary<string, TransactionLogValue?>(StringComparer.Ordinal);
            foreach (var chunk in _topic.ReadAll(partition))
            {
                if (!OwnsLoad(partition, loadId)) return;
                var span = chunk.Span;
                while (span.Length >= RecordBatchHeader.Size && RecordBatchHeader.TryRead(span, out var header) && header.TotalSize <= span.Length)
                {
                    var batch = span[..header.TotalSize];
                    span = span[header.TotalSize..];
                    if (header.IsControl || header.Compression != CompressionType.None) continue;
                    var reader = new RecordReader(batch);
                    while (reader.TryReadNext(out var record))
                    {
                        if (record.KeyIsNull) continue;
                        string id = TransactionLogCodec.DecodeKey(record.Key.ToArray());
                        values[id] = record.ValueIsNull ? null : TransactionLogCodec.DecodeValue(record.Value.ToArray());
                    }
                }
            }

            var resume = new List<(TransactionMetadata, TransactionLogValue)>();
            lock (_ownershipLock)
            {
                if (!OwnsLoad(partition, loadId)) return;
                foreach (var (id, value) in values)
                {
                    if (value is null || value.State == TransactionState.Dead) continue;
                    var m = new TransactionMetadata(id, partition, value.ProducerId, value.ProducerEpoch, value.TimeoutMs, value.LastUpdateMs);
                    m.Apply(value);
                    _txns[id] = m;
                    if (value.State is TransactionState.PrepareCommit or TransactionState.PrepareAbort) resume.Add((m, value));
                }

                _partitions[partition] = new PartitionOwnership(loadId, Loaded: true);
            }

            LogLoaded(partition, values.Count(v => v.Value is not null), resume.Count);
            foreach (var (m, value) in resume) StartCompletion(m, value);
        }
        catch (Exception e)
        {
            lock (_ownershipLock)
            {
                if (OwnsLoad(partition, loadId))
                {
                    _partitions.TryRemove(partition, out _);
                    DropIdsOf(partition);
                }
            }

            LogLoadFailed(partition, e);
        }
    }
}
