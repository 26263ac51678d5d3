using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Storage;

namespace Broker.Server.Transactions;

public sealed partial class TransactionCoordinator
{
    private static readonly TimeSpan MinRetryBackoff = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxRetryBackoff = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Completes a prepared transaction off the calling thread: sends the commit/abort marker to every partition of
    /// <paramref name="prepared"/> until each leader acknowledged it, then writes CompleteCommit/CompleteAbort. Stops
    /// (leaving the prepared state in the log for the next coordinator, which resends) when this broker loses the id's
    /// partition or shuts down.
    /// </summary>
    private void StartCompletion(TransactionMetadata m, TransactionLogValue prepared) =>
        _ = Task.Run(() => CompleteAsync(m, prepared));

    private async Task CompleteAsync(TransactionMetadata m, TransactionLogValue prepared)
    {
        bool commit = prepared.State == TransactionState.PrepareCommit;
        int coordinatorEpoch = _topic.LeaderEpochOf(m.Partition);
        try
        {
            if (!await SendMarkersAsync(m, prepared, commit, coordinatorEpoch).ConfigureAwait(false)) return;
            var backoff = MinRetryBackoff;
            while (StillOwns(m))
            {
                TransactionLogValue next;
                ValueTask<ErrorCode> append;
                lock (m.Sync)
                {
                    if (m.Removed || m.State != prepared.State || m.ProducerEpoch != prepared.ProducerEpoch) return;
                    if (m.Pending is not null)
                    {
                        next = null!;
                        append = default;
                        goto wait;
                    }

                    next = m.Snapshot() with
                    {
                        State = commit ? TransactionState.CompleteCommit : TransactionState.CompleteAbort,
                        Partitions = [],
                        LastUpdateMs = NowMs(),
                    };
                    append = BeginWrite(m, next);
                }

                var error = await WriteAsync(m, next, append).ConfigureAwait(false);
                if (error == ErrorCode.None)
                {
                    LogCompleted(m.TransactionalId, commit ? "commit" : "abort", prepared.Partitions.Count);
                    return;
                }

                if (error == ErrorCode.NotCoordinator) return;
            wait:
                await Task.Delay(backoff, _time, _stopping.Token).ConfigureAwait(false);
                backoff = Min(backoff * 2, MaxRetryBackoff);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LogCompletionFailed(m.TransactionalId, e);
        }
    }

    private bool StillOwns(TransactionMetadata m) =>
        !_stopping.IsCancellationRequested && !m.Removed && _partitions.ContainsKey(m.Partition);

    /// <summary>
    /// Sends the markers, one WriteTxnMarkers per leader broker, retrying the partitions not acknowledged (unreachable
    /// or moved leader) with a growing backoff. A partition whose topic no longer exists counts as done (Kafka drops
    /// its marker too). Returns false when this coordinator stopped owning the id meanwhile.
    /// </summary>
    private async Task<bool> SendMarkersAsync(TransactionMetadata m, TransactionLogValue prepared, bool commit, int coordinatorEpoch)
    {
        var remaining = new HashSet<TopicPartition>(prepared.Partitions);
        var backoff = MinRetryBackoff;
        while (remaining.Count > 0)
        {
            if (!StillOwns(m)) return false;
            var byLeader = new Dictionary<int, List<TopicPartition>>();
            foreach (var tp in remaining.ToList())
            {
                if (!_cluster.TryGetTopic(tp.Topic, out var topic) || tp.Partition >= topic.Partitions.Count)
                {
                    remaining.Remove(tp);
                    continue;
                }

                int leader = topic.Partitions[tp.Partition].Leader;
                if (leader < 0) continue;
                if (!byLeader.TryGetValue(leader, out var list)) byLeader[leader] = list = [];
                list.Add(tp);
            }

            var sends = byLeader.Select(kv => SendToLeaderAsync(kv.Key, kv.Value, prepared, commit, coordinatorEpoch)).ToList();
            foreach (var acknowledged in await Task.WhenAll(sends).ConfigureAwait(false))
            {
                foreach (var tp in acknowledged) remaining.Remove(tp);
            }

            if (remaining.Count == 0) break;
            await Task.Delay(backoff, _time, _stopping.Token).ConfigureAwait(false);
            backoff = Min(backoff * 2, MaxRetryBackoff);
        }

        return true;
    }

    /// <summary>Sends one leader its markers; returns the partitions it acknowledged (or that no longer exist).</summary>
    private async Task<List<TopicPartition>> SendToLeaderAsync(int leader, List<TopicPartition> partitions, TransactionLogValue prepared, bool commit, int coordinatorEpoch)
    {
        var marker = new WriteTxnMarkersRequest.WritableTxnMarker
        {
            ProducerId = prepared.ProducerId,
            ProducerEpoch = prepared.ProducerEpoch,
            TransactionResult = commit,
            CoordinatorEpoch = coordinatorEpoch,
        };
        foreach (var topic in partitions.GroupBy(p => p.Topic, StringComparer.Ordinal))
        {
            var t = new WriteTxnMarkersRequest.WritableTxnMarkerTopic { Name = topic.Key };
            t.PartitionIndexes.AddRange(topic.Select(p => p.Partition));
            marker.Topics.Add(t);
        }

        var request = new WriteTxnMarkersRequest();
        request.Markers.Add(marker);
        var done = new List<TopicPartition>();
        try
        {
            var response = await _markers.SendAsync(leader, request, _stopping.Token).ConfigureAwait(false);
            foreach (var result in response.Markers.Where(r => r.ProducerId == prepared.ProducerId))
            {
                foreach (var topic in result.Topics)
                {
                    foreach (var p in topic.Partitions)
                    {
                        var error = (ErrorCode)p.ErrorCode;
                        var tp = new TopicPartition(topic.Name, p.PartitionIndex);
                        if (error is ErrorCode.None or ErrorCode.UnknownTopicOrPartition) done.Add(tp);
                        else LogMarkerRefused(tp.Topic, tp.Partition, leader, error.ToString());
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or TimeoutException or System.Net.Sockets.SocketException or ProtocolException)
        {
            LogMarkerSendFailed(leader, e.Message);
        }

        return done;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
