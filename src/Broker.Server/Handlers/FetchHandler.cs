using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Cluster;
using Broker.Server.Metrics;
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
/// <remarks>
/// Consumers' Fetch v11+ may be served by a follower (KIP-392) up to its high watermark; with
/// <c>replica.selector.class</c> set to Kafka's RackAwareReplicaSelector a leader answers a consumer whose rack_id
/// names another replica's rack with that replica as preferred_read_replica and no records.
/// Hostile input is bounded: max_wait_ms is cut to <c>fetch.max.wait.cap.ms</c>, max_bytes to <c>fetch.max.bytes</c>
/// (both over the whole response, as Kafka), a partition named twice is served once (Kafka keys the request by
/// partition, the later entry's offsets winning), and the wait ends as soon as the client's connection closes or the
/// broker stops (<see cref="RequestContext.Aborted"/>).
/// </remarks>
public sealed class FetchHandler(ReplicaManager replicas, IClusterMetadata cluster, TimeProvider time, FetchLimits limits, BrokerMetrics? metrics = null)
    : RequestHandler<FetchRequest>
{
    /// <summary>
    /// What a partition answered with an error carries: an empty record set (size 0, compact length 1), as Kafka sends.
    /// A null set (size -1) makes librdkafka reject the whole response ("invalid MessageSetSize -1"), so it would never
    /// see the error (no auto.offset.reset, no reaction to a deleted topic). Immutable, shared.
    /// </summary>
    private static readonly RecordSet NoRecords = new(ReadOnlyMemory<byte>.Empty);

    public override ApiKey ApiKey => ApiKey.Fetch;

    /// <summary>isolation_level of a consumer that reads only committed transactions (Fetch v4+).</summary>
    private const sbyte ReadCommitted = 1;

    private static long s_parked;

    /// <summary>Fetches currently parked waiting for data, over the whole process (for tests and metrics).</summary>
    public static long ParkedCount => Interlocked.Read(ref s_parked);

    protected override async ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, FetchRequest request)
    {
        DeduplicatePartitions(request);
        request.MaxBytes = (int)Math.Min(request.MaxBytes <= 0 ? int.MaxValue : request.MaxBytes, limits.MaxBytes);
        int maxWaitMs = (int)Math.Min(Math.Max(0, request.MaxWaitMs), limits.MaxWaitMs);
        long deadline = time.GetTimestamp() + (long)(maxWaitMs * (time.TimestampFrequency / 1000.0));
        while (true)
        {
            // Take the wake-up tasks before reading, so an append between the read and the wait is not missed.
            var signals = WaitTasks(request);
            var (response, bytes, error) = ReadOnce(request, context.ApiVersion);
            var remaining = time.GetElapsedTime(time.GetTimestamp(), deadline);
            if (bytes >= Math.Max(1, request.MinBytes) || error || remaining <= TimeSpan.Zero || maxWaitMs <= 0 || signals.Count == 0
                || context.Aborted.IsCancellationRequested)
            {
                CountBytesOut(response, request.ReplicaId >= 0);
                return response;
            }

            ReleaseRecords(response);
            await WaitAsync(signals, remaining, context.Aborted).ConfigureAwait(false);
        }
    }

    /// <summary>Kafka's bytes-out (consumers) or replication bytes-out (followers) of the response sent, per topic.</summary>
    private void CountBytesOut(FetchResponse response, bool follower)
    {
        if (metrics is null) return;
        foreach (var topic in response.Responses)
        {
            long bytes = 0;
            foreach (var p in topic.Partitions) bytes += p.Records?.Memory.Length ?? 0;
            metrics.FetchedOut(topic.Topic, bytes, follower);
        }
    }

    /// <summary>
    /// Waits until one signal fires, <paramref name="timeout"/> passes or <paramref name="aborted"/> is cancelled. The
    /// timeout's timer and the token registration are disposed as soon as the wait ends, so a caught-up consumer's
    /// fetches leave nothing behind. The loop's next pass then answers with what is there.
    /// </summary>
    private async Task WaitAsync(List<Task> signals, TimeSpan timeout, CancellationToken aborted)
    {
        var any = signals.Count == 1 ? signals[0] : Task.WhenAny(signals);
        Interlocked.Increment(ref s_parked);
        try
        {
            await any.WaitAsync(timeout, time, aborted).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            Interlocked.Decrement(ref s_parked);
        }
    }

    /// <summary>
    /// Serves each partition once however often the request names it: Kafka reads the request into a map keyed by
    /// topic-partition (the last entry's offsets and limits win, the first one's position stays), so 20 copies of one
    /// partition are one partition, not 20 reads of it. Topics keep the order of their first appearance.
    /// </summary>
    private static void DeduplicatePartitions(FetchRequest request)
    {
        int total = 0;
        foreach (var t in request.Topics) total += t.Partitions.Count;
        var seen = new HashSet<(string, int)>(total);
        bool duplicates = false;
        foreach (var t in request.Topics)
            foreach (var p in t.Partitions)
                duplicates |= !seen.Add((t.Topic, p.Partition));
        if (!duplicates) return;

        var topics = new Dictionary<string, (FetchRequest.FetchTopic Topic, Dictionary<int, int> Index)>(StringComparer.Ordinal);
        var ordered = new List<FetchRequest.FetchTopic>();
        foreach (var t in request.Topics)
        {
            if (!topics.TryGetValue(t.Topic, out var entry))
            {
                entry = (new FetchRequest.FetchTopic { Topic = t.Topic }, []);
                topics[t.Topic] = entry;
                ordered.Add(entry.Topic);
            }

            foreach (var p in t.Partitions)
            {
                if (entry.Index.TryGetValue(p.Partition, out int at)) entry.Topic.Partitions[at] = p;
                else
                {
                    entry.Index[p.Partition] = entry.Topic.Partitions.Count;
                    entry.Topic.Partitions.Add(p);
                }
            }
        }

        request.Topics = ordered;
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

    /// <returns>The response, its record bytes, and whether it must be answered at once (an error, or a consumer sent to another replica).</returns>
    private (FetchResponse Response, long Bytes, bool Error) ReadOnce(FetchRequest request, short apiVersion)
    {
        var response = new FetchResponse { SessionId = 0 };
        long budget = request.MaxBytes;
        long total = 0;
        bool anyError = false;
        bool follower = request.ReplicaId >= 0;
        bool readCommitted = !follower && request.IsolationLevel == ReadCommitted;
        // KIP-392: a consumer's Fetch v11+ carries client metadata, so any replica may serve it.
        bool anyReplica = !follower && apiVersion >= 11;
        bool selectReplica = anyReplica && limits.RackAwareReadReplica && !string.IsNullOrEmpty(request.RackId);
        foreach (var topic in request.Topics)
        {
            var topicResponse = new FetchResponse.FetchableTopic { Topic = topic.Topic };
            foreach (var p in topic.Partitions)
            {
                var data = new FetchResponse.PartitionData
                {
                    PartitionIndex = p.Partition, HighWatermark = -1, LastStableOffset = -1, LogStartOffset = -1, Records = NoRecords,
                };
                var lookup = anyReplica
                    ? LeaderLookup.FindReplica(replicas, cluster, topic.Topic, p.Partition, out var partition)
                    : LeaderLookup.Find(replicas, cluster, topic.Topic, p.Partition, out partition);
                if (lookup == ErrorCode.None) lookup = LeaderLookup.CheckEpoch(partition, p.CurrentLeaderEpoch);
                if (lookup != ErrorCode.None)
                {
                    data.ErrorCode = (short)lookup;
                    anyError = true;
                }
                else if (selectReplica && partition.IsLeader && PreferredReadReplica(partition, request.RackId, p.FetchOffset) is int preferred)
                {
                    // As Kafka: no records, the leader's offsets, and the replica to go to; answered at once.
                    data.PreferredReadReplica = preferred;
                    data.HighWatermark = partition.HighWatermark;
                    data.LastStableOffset = partition.Log.LastStableOffset(data.HighWatermark);
                    data.LogStartOffset = partition.Log.LogStartOffset;
                    anyError = true;
                }
                else
                {
                    long highWatermark = partition.HighWatermark;
                    long lastStable = partition.Log.LastStableOffset(highWatermark);
                    int max = (int)Math.Min(Math.Max(0, p.PartitionMaxBytes), Math.Max(0, budget - total));
                    // read_committed consumers stop at the last stable offset (Kafka's FetchIsolation.TXN_COMMITTED).
                    long readLimit = follower ? long.MaxValue : readCommitted ? lastStable : highWatermark;
                    var read = partition.Log.ReadPooled(p.FetchOffset, max, readLimit, minOneMessage: total == 0);
                    if (follower && !read.OffsetOutOfRange)
                    {
                        partition.UpdateFollowerFetchState(request.ReplicaId, p.FetchOffset, p.LogStartOffset);
                        highWatermark = partition.HighWatermark;
                        lastStable = partition.Log.LastStableOffset(highWatermark);
                    }

                    data.HighWatermark = highWatermark;
                    data.LastStableOffset = lastStable;
                    data.LogStartOffset = read.LogStartOffset;
                    if (read.OffsetOutOfRange && !follower && !partition.IsLeader
                        && p.FetchOffset > partition.Log.LogEndOffset && p.FetchOffset <= partition.LeaderHighWatermark)
                    {
                        // A consumer on this follower is ahead of replication, not out of range: nothing yet, no
                        // error (OFFSET_OUT_OF_RANGE would make it reset its position).
                    }
                    else if (read.OffsetOutOfRange)
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
                        if (readCommitted && read.Records.Length > 0)
                        {
                            data.AbortedTransactions = AbortedTransactions(partition, p.FetchOffset, lastStable);
                        }
                    }
                }

                topicResponse.Partitions.Add(data);
            }

            response.Responses.Add(topicResponse);
        }

        return (response, total, anyError);
    }

    /// <summary>
    /// The aborted transactions overlapping [<paramref name="fetchOffset"/>, <paramref name="lastStable"/>): a
    /// read_committed consumer drops a listed producer's batches from the first offset up to its abort marker.
    /// </summary>
    private static List<FetchResponse.AbortedTransaction> AbortedTransactions(Partition partition, long fetchOffset, long lastStable) =>
        [.. partition.Log.CollectAbortedTransactions(fetchOffset, lastStable)
            .Select(a => new FetchResponse.AbortedTransaction { ProducerId = a.ProducerId, FirstOffset = a.FirstOffset })];

    /// <summary>The in-sync replica in the consumer's rack to send it to, or null when this leader should serve it.</summary>
    private int? PreferredReadReplica(Partition partition, string clientRack, long fetchOffset)
    {
        var readable = partition.ReadableReplicas(fetchOffset);
        if (readable.Count == 0) return null;
        int leader = readable[0].BrokerId;
        var brokers = cluster.Brokers;
        int chosen = RackAwareReplicaSelector.Select(clientRack, leader, readable, id => brokers.FirstOrDefault(b => b.Id == id)?.Rack);
        return chosen == leader ? null : chosen;
    }
}
