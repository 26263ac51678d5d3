using Broker.Storage.Log;
using Broker.Protocol;
using Broker.Protocol.Messages;

namespace Broker.Server.Replication;

internal sealed partial class ReplicaFetcher
{
    /// <summary>
    /// One Fetch for every partition ready to copy, in rotating order (partitions that got records last time go to
    /// the end); appends the records and takes the leader's high watermark. Returns false when no partition was ready
    /// (the caller then waits a little).
    /// </summary>
    private async Task<bool> FetchAsync(BrokerClient client, CancellationToken ct)
    {
        long now = NowMs;
        var ready = _partitions.Values.Where(s => !s.Truncating && s.DelayedUntilMs <= now).OrderBy(s => s.Order).ToList();
        if (ready.Count == 0) return false;

        var request = new FetchRequest
        {
            ReplicaId = _config.BrokerId,
            MaxWaitMs = _config.ReplicaFetchWaitMaxMs,
            MinBytes = _config.ReplicaFetchMinBytes,
            MaxBytes = 10 * 1024 * 1024,
            IsolationLevel = 0,
            SessionId = 0,
            SessionEpoch = -1,
        };
        var sent = new Dictionary<(string, int), (FetchState State, long Offset)>();
        FetchRequest.FetchTopic? requestTopic = null;
        foreach (var s in ready)
        {
            // Partitions keep their order; consecutive ones of a topic share an entry (a topic may appear twice).
            string name = s.Partition.Id.Topic;
            if (requestTopic is null || requestTopic.Topic != name)
            {
                requestTopic = new FetchRequest.FetchTopic { Topic = name };
                request.Topics.Add(requestTopic);
            }

            long offset = s.Partition.Log.LogEndOffset;
            requestTopic.Partitions.Add(new FetchRequest.FetchPartition
            {
                Partition = s.Partition.Id.Partition,
                CurrentLeaderEpoch = s.LeaderEpoch,
                FetchOffset = offset,
                LogStartOffset = s.Partition.Log.LogStartOffset,
                PartitionMaxBytes = _config.ReplicaFetchMaxBytes,
            });
            sent[(name, s.Partition.Id.Partition)] = (s, offset);
        }

        var response = await client.SendAsync<FetchResponse>(request, FetchVersion, RequestTimeout, ct).ConfigureAwait(false);
        if (response.ErrorCode != 0)
        {
            // Whole-request error (e.g. the broker is shutting down): back off every partition briefly.
            foreach (var (s, _) in sent.Values) s.DelayedUntilMs = NowMs + 500;
            return true;
        }

        foreach (var topic in response.Responses)
        {
            foreach (var data in topic.Partitions)
            {
                if (!sent.TryGetValue((topic.Topic, data.PartitionIndex), out var entry)) continue;
                var (state, offset) = entry;
                if (!ReferenceEquals(_partitions.GetValueOrDefault(state.Partition.Id), state)) continue; // replaced meanwhile
                var error = (ErrorCode)data.ErrorCode;
                if (error == ErrorCode.None)
                {
                    var records = data.Records?.Memory ?? ReadOnlyMemory<byte>.Empty;
                    if (!records.IsEmpty) state.Order = Interlocked.Increment(ref _lastOrder);
                    if (state.Partition.Log.LogEndOffset != offset) continue; // truncated under us; next round re-reads
                    LogAppendResult? appended;
                    try
                    {
                        appended = state.Partition.AppendAsFollower(records.Span, state.LeaderEpoch, data.HighWatermark);
                    }
                    catch (KafkaStorageException)
                    {
                        // Its log dir is offline (logged once by the failure channel, which also tells the broker):
                        // this replica is no longer followed here, and the other partitions keep fetching.
                        state.DelayedUntilMs = long.MaxValue;
                        continue;
                    }

                    if (appended is { IsSuccess: false })
                    {
                        // The leader's batch does not start at our log end: our logs diverge. Find the point again.
                        state.Truncating = true;
                    }
                    else if (data.LogStartOffset > state.Partition.Log.LogStartOffset)
                    {
                        // DeleteRecords on the leader: drop what it deleted too; our next fetch reports the new start.
                        state.Partition.UpdateLogStartOffsetAsFollower(data.LogStartOffset, state.LeaderEpoch);
                    }
                }
                else if (error == ErrorCode.OffsetOutOfRange && data.LogStartOffset > offset)
                {
                    LogReset(topic.Topic, data.PartitionIndex, data.LogStartOffset);
                    state.Partition.ResetAsFollower(data.LogStartOffset, state.LeaderEpoch);
                }
                else if (error == ErrorCode.OffsetOutOfRange)
                {
                    state.Truncating = true;
                }
                else
                {
                    OnPartitionError(state, error);
                }
            }
        }

        return true;
    }

    private void OnPartitionError(FetchState state, ErrorCode error)
    {
        LogPartitionError(state.Partition.Id.Topic, state.Partition.Id.Partition, _leaderId, error.ToString());
        state.DelayedUntilMs = NowMs + 500;
    }
}
