using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Cluster;
using Broker.Server.Partitions;
using Broker.Server.Requests;

namespace Broker.Server.Handlers;

/// <summary>
/// Fetch v4–12 by topic name. Serves whole batches as stored (no per-record work), up to each partition's
/// partition_max_bytes and the response's max_bytes, always at least one batch for the first partition with data
/// (KIP-74). Long polling: when fewer than min_bytes are available the request waits, without holding a thread,
/// until an append to one of its partitions or max_wait_ms passes. Sessions (KIP-227) are not kept: every fetch is
/// a full fetch with session id 0.
/// Consumers (replica id -1) read only below the high watermark and wait for it to advance; followers (replica
/// id = their broker id) read up to the log end, wait for appends, and their fetch offset tells the leader what they
/// have (<see cref="Partition.UpdateFollowerFetchState"/>), which is what advances the high watermark.
/// </summary>
public sealed class FetchHandler(ReplicaManager replicas, IClusterMetadata cluster, TimeProvider time) : RequestHandler<FetchRequest>
{
    /// <summary>
    /// What a partition answered with an error carries: an empty record set (size 0, compact length 1), as Kafka sends.
    /// A null set (size -1) makes librdkafka reject the whole response ("invalid MessageSetSize -1"), so it would never
    /// see the error (no auto.offset.reset, no reaction to a deleted topic). Immutable, shared.
    /// </summary>
    private static readonly RecordSet NoRecords = new(ReadOnlyMemory<byte>.Empty);

    public override ApiKey ApiKey => ApiKey.Fetch;

    protected override async ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, FetchRequest request)
    {
        long deadline = time.GetTimestamp() + (long)(Math.Max(0, request.MaxWaitMs) * (time.TimestampFrequency / 1000.0));
        while (true)
        {
            // Take the wake-up tasks before reading, so an append between the read and the wait is not missed.
            var signals = WaitTasks(request);
            var (response, bytes, error) = ReadOnce(request);
            var remaining = time.GetElapsedTime(time.GetTimestamp(), deadline);
            if (bytes >= Math.Max(1, request.MinBytes) || error || remaining <= TimeSpan.Zero || request.MaxWaitMs <= 0 || signals.Count == 0)
                return response;

            ReleaseRecords(response);
            await WaitAsync(signals, remaining).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Waits until one signal fires or <paramref name="timeout"/> passes. The timeout's timer is disposed as soon as a
    /// signal fires, so a caught-up consumer's fetches (answered by the next append) leave no timers behind. After a
    /// timeout the loop's next pass finds the deadline passed and answers with what is there.
    /// </summary>
    private async Task WaitAsync(List<Task> signals, TimeSpan timeout)
    {
        var any = signals.Count == 1 ? signals[0] : Task.WhenAny(signals);
        try
        {
            await any.WaitAsync(timeout, time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
    }

    /// <summary>
    /// Returns the pooled read buffers of a fetch response to the pool. Call once the response has been written (its
    /// bytes copied out) or discarded; its records must not be read afterwards.
    /// </summary>
    public static void ReleaseRecords(FetchResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        foreach (var topic in response.Responses)
            foreach (var partition in topic.Partitions)
                if (partition.Records is PooledRecordSet pooled) pooled.Dispose();
    }

    private List<Task> WaitTasks(FetchRequest request)
    {
        var tasks = new List<Task>();
        bool follower = request.ReplicaId >= 0;
        foreach (var topic in request.Topics)
            foreach (var p in topic.Partitions)
                if (replicas.TryGet(topic.Topic, p.Partition, out var partition))
                    tasks.Add(follower ? partition.DataAppended.WaitAsync() : partition.HighWatermarkChanged.WaitAsync());
        return tasks;
    }

    private (FetchResponse Response, long Bytes, bool Error) ReadOnce(FetchRequest request)
    {
        var response = new FetchResponse { SessionId = 0 };
        long budget = request.MaxBytes <= 0 ? int.MaxValue : request.MaxBytes;
        long total = 0;
        bool anyError = false;
        bool follower = request.ReplicaId >= 0;
        foreach (var topic in request.Topics)
        {
            var topicResponse = new FetchResponse.FetchableTopic { Topic = topic.Topic };
            foreach (var p in topic.Partitions)
            {
                var data = new FetchResponse.PartitionData
                {
                    PartitionIndex = p.Partition, HighWatermark = -1, LastStableOffset = -1, LogStartOffset = -1, Records = NoRecords,
                };
                var lookup = LeaderLookup.Find(replicas, cluster, topic.Topic, p.Partition, out var partition);
                if (lookup == ErrorCode.None) lookup = LeaderLookup.CheckEpoch(partition, p.CurrentLeaderEpoch);
                if (lookup != ErrorCode.None)
                {
                    data.ErrorCode = (short)lookup;
                    anyError = true;
                }
                else
                {
                    long highWatermark = partition.HighWatermark;
                    int max = (int)Math.Min(Math.Max(0, p.PartitionMaxBytes), Math.Max(0, budget - total));
                    var read = partition.Log.ReadPooled(p.FetchOffset, max, follower ? long.MaxValue : highWatermark, minOneMessage: total == 0);
                    if (follower && !read.OffsetOutOfRange)
                    {
                        partition.UpdateFollowerFetchState(request.ReplicaId, p.FetchOffset, p.LogStartOffset);
                        highWatermark = partition.HighWatermark;
                    }

                    data.HighWatermark = highWatermark;
                    data.LastStableOffset = highWatermark;
                    data.LogStartOffset = read.LogStartOffset;
                    if (read.OffsetOutOfRange)
                    {
                        data.ErrorCode = (short)ErrorCode.OffsetOutOfRange;
                        anyError = true;
                    }
                    else
                    {
                        data.Records = read.RentedArray is { } rented
                            ? new PooledRecordSet(rented, read.Records.Length)
                            : new RecordSet(read.Records);
                        total += read.Records.Length;
                    }
                }

                topicResponse.Partitions.Add(data);
            }

            response.Responses.Add(topicResponse);
        }

        return (response, total, anyError);
    }
}
