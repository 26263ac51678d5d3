using System.Text;
using Broker.Protocol;
using Broker.Protocol.Records;
using Broker.Server.Groups.Records;
using Broker.Storage;

namespace Broker.Server.Groups;

public sealed partial class GroupCoordinator
{
    /// <summary>
    /// TxnOffsetCommit: stores the offsets as a transactional batch of the producer (producer id and epoch in the
    /// header, no sequence, as Kafka's coordinator writes them) and keeps them pending: OffsetFetch does not see them
    /// until <see cref="CompleteTxnOffsets"/> applies the transaction's marker. With a generation (v3+, KIP-447) the
    /// member and generation must be current. Returns one error per entry.
    /// </summary>
    public async Task<IReadOnlyList<ErrorCode>> TxnCommitOffsetsAsync(string groupId, long producerId, short producerEpoch,
        int generationId, string memberId, string? groupInstanceId, IReadOnlyList<OffsetCommitEntry> entries)
    {
        var error = CheckCoordinator(groupId);
        if (error != ErrorCode.None) return entries.Select(_ => error).ToList();
        var group = GetOrCreateGroup(groupId);
        var results = new ErrorCode[entries.Count];
        var written = new List<(TopicPartition Key, OffsetCommitValue Value)>();
        ValueTask<ErrorCode> append;
        lock (group.Sync)
        {
            if (group.State == GroupState.Dead) return entries.Select(_ => ErrorCode.CoordinatorNotAvailable).ToList();
            if (generationId >= 0)
            {
                error = group.IsStaticMemberFenced(groupInstanceId, memberId) ? ErrorCode.FencedInstanceId
                    : group.Find(memberId) is null ? ErrorCode.UnknownMemberId
                    : generationId != group.GenerationId ? ErrorCode.IllegalGeneration : ErrorCode.None;
                if (error != ErrorCode.None) return entries.Select(_ => error).ToList();
            }

            long now = NowMs();
            var builder = new RecordBatchBuilder(now) { ProducerId = producerId, ProducerEpoch = producerEpoch, IsTransactional = true };
            for (int i = 0; i < entries.Count; i++)
            {
                var e = entries[i];
                string metadata = e.Metadata ?? "";
                if (Encoding.UTF8.GetByteCount(metadata) > _options.OffsetMetadataMaxBytes)
                {
                    results[i] = ErrorCode.OffsetMetadataTooLarge;
                    continue;
                }

                if (!_topic.PartitionExists(e.Topic, e.Partition))
                {
                    results[i] = ErrorCode.UnknownTopicOrPartition;
                    continue;
                }

                var value = new OffsetCommitValue(e.Offset, e.LeaderEpoch, metadata, now);
                builder.Add(OffsetsRecordCodec.EncodeOffsetKey(new OffsetCommitKey(groupId, e.Topic, e.Partition)), OffsetsRecordCodec.EncodeOffsetValue(value));
                written.Add((new TopicPartition(e.Topic, e.Partition), value));
            }

            if (builder.Count == 0) return results;
            try
            {
                append = _topic.AppendAsync(group.Partition, builder.Build());
            }
            catch (Exception e) when (e is ObjectDisposedException or IOException)
            {
                LogAppendFailed(group.Partition, e);
                append = ValueTask.FromResult(ErrorCode.NotCoordinator);
            }
        }

        var appendError = await append.ConfigureAwait(false);
        if (appendError == ErrorCode.None)
        {
            lock (group.Sync)
            {
                if (!group.PendingTxnOffsets.TryGetValue(producerId, out var pending)) group.PendingTxnOffsets[producerId] = pending = [];
                foreach (var (key, value) in written) pending[key] = value;
            }

            return results;
        }

        var mapped = appendError is ErrorCode.NotCoordinator or ErrorCode.NotLeaderOrFollower ? ErrorCode.NotCoordinator
            : appendError is ErrorCode.InvalidProducerEpoch ? ErrorCode.ProducerFenced
            : ErrorCode.CoordinatorNotAvailable;
        for (int i = 0; i < results.Length; i++) if (results[i] == ErrorCode.None) results[i] = mapped;
        return results;
    }

    /// <summary>
    /// A transaction marker reached offsets partition <paramref name="partition"/> (the WriteTxnMarkers handler calls
    /// this once the marker is written): the producer's pending offsets of every group there become committed
    /// (<paramref name="commit"/>) or are dropped.
    /// </summary>
    public void CompleteTxnOffsets(int partition, long producerId, bool commit)
    {
        foreach (var group in _groups.Values.Where(g => g.Partition == partition))
        {
            lock (group.Sync)
            {
                if (!group.PendingTxnOffsets.Remove(producerId, out var pending) || !commit) continue;
                foreach (var (key, value) in pending) group.Offsets[key] = value;
            }
        }
    }

    /// <summary>True when some transaction still holds uncommitted offsets for the partition (OffsetFetch require_stable).</summary>
    public bool HasPendingTxnOffsets(string groupId, TopicPartition partition)
    {
        var group = TryGetGroup(groupId);
        if (group is null) return false;
        lock (group.Sync) return group.PendingTxnOffsets.Values.Any(p => p.ContainsKey(partition));
    }
}
