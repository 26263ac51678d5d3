using Broker.Protocol;
using Broker.Protocol.Messages;

namespace Broker.Server.Replication;

internal sealed partial class ReplicaFetcher
{
    /// <summary>
    /// One OffsetForLeaderEpoch round for every partition still truncating. The follower asks where its latest epoch
    /// ends on the leader and truncates to the smaller of that and its own end of the epoch the leader answered
    /// with. When the leader answered an older epoch than the follower holds, another round follows with the
    /// follower's new latest epoch, until both name the same epoch (KIP-279).
    /// </summary>
    private async Task TruncateAsync(BrokerClient client, CancellationToken ct)
    {
        var pending = _partitions.Values.Where(s => s.Truncating && s.DelayedUntilMs <= NowMs).ToList();
        if (pending.Count == 0) return;

        var request = new OffsetForLeaderEpochRequest { ReplicaId = _config.BrokerId };
        var asked = new Dictionary<(string, int), (FetchState State, int Epoch)>();
        foreach (var byTopic in pending.GroupBy(s => s.Partition.Id.Topic))
        {
            var topic = new OffsetForLeaderEpochRequest.OffsetForLeaderTopic { Topic = byTopic.Key };
            foreach (var s in byTopic)
            {
                int latest = s.Partition.Log.LeaderEpochs.LatestEpoch;
                if (latest < 0)
                {
                    // No epoch history (empty log): nothing can diverge.
                    s.Partition.TruncateAsFollower(s.Partition.HighWatermark, s.LeaderEpoch);
                    s.Truncating = false;
                    continue;
                }

                topic.Partitions.Add(new OffsetForLeaderEpochRequest.OffsetForLeaderPartition
                {
                    Partition = s.Partition.Id.Partition,
                    CurrentLeaderEpoch = s.LeaderEpoch,
                    LeaderEpoch = latest,
                });
                asked[(byTopic.Key, s.Partition.Id.Partition)] = (s, latest);
            }

            if (topic.Partitions.Count > 0) request.Topics.Add(topic);
        }

        if (request.Topics.Count == 0) return;
        var response = await client.SendAsync<OffsetForLeaderEpochResponse>(request, EpochVersion, RequestTimeout, ct).ConfigureAwait(false);
        foreach (var topic in response.Topics)
        {
            foreach (var r in topic.Partitions)
            {
                if (!asked.TryGetValue((topic.Topic, r.Partition), out var entry)) continue;
                var (state, askedEpoch) = entry;
                if (!ReferenceEquals(_partitions.GetValueOrDefault(state.Partition.Id), state)) continue; // replaced meanwhile
                if (r.ErrorCode != (short)ErrorCode.None)
                {
                    OnPartitionError(state, (ErrorCode)r.ErrorCode);
                    continue;
                }

                var partition = state.Partition;
                long localEnd = partition.Log.LogEndOffset;
                long target;
                bool settled;
                if (r.LeaderEpoch < 0 || r.EndOffset < 0)
                {
                    // The leader knows nothing as old as our epoch: fall back to the high watermark (Kafka's rule).
                    target = Math.Min(partition.HighWatermark, localEnd);
                    settled = true;
                }
                else
                {
                    var (localEpoch, localEpochEnd) = partition.Log.LeaderEpochs.EndOffsetFor(r.LeaderEpoch, localEnd);
                    // No local epoch as old as the leader's answer: everything here is newer than what the leader has.
                    long localLimit = localEpoch < 0
                        ? (partition.Log.LeaderEpochs.Entries is { Count: > 0 } entries ? entries[0].StartOffset : localEnd)
                        : localEpochEnd;
                    target = Math.Min(r.EndOffset, localLimit);
                    settled = localEpoch == r.LeaderEpoch || localEpoch < 0 || r.LeaderEpoch == askedEpoch;
                }

                if (target < localEnd)
                {
                    long end = partition.TruncateAsFollower(target, state.LeaderEpoch);
                    LogTruncated(topic.Topic, r.Partition, end, _leaderId, r.LeaderEpoch, r.EndOffset);
                }

                state.Truncating = !settled;
            }
        }
    }
}
