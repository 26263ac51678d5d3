using Confluent.Kafka;

namespace Broker.FaultSuite.Workload;

/// <summary>A successful offset commit of the group consumer: the next offset to read of one partition.</summary>
public sealed record Commit(int Partition, long Offset, long AtMs);

/// <summary>
/// One member of a consumer group subscribed to the topic, committing its position synchronously about every
/// 250 ms, recording each successful commit (for the "committed offsets never go backwards" check) and each failed
/// one. Runs on its own thread (librdkafka consumers are not thread-safe); the lists are guarded by a lock.
/// </summary>
public sealed class GroupConsumer : IAsyncDisposable
{
    public const string GroupId = "fault-suite-group";
    private readonly string _bootstrap, _topic;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<Commit> _commits = [];
    private readonly List<string> _commitErrors = [];
    private Thread? _thread;
    private long _consumed;

    public GroupConsumer(string bootstrap, string topic)
    {
        _bootstrap = bootstrap;
        _topic = topic;
    }

    public long Consumed => Interlocked.Read(ref _consumed);

    public IReadOnlyList<Commit> Commits { get { lock (_gate) return [.. _commits]; } }

    public IReadOnlyList<string> CommitErrors { get { lock (_gate) return [.. _commitErrors]; } }

    public void Start()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "group-consumer" };
        _thread.Start();
    }

    private void Run()
    {
        var positions = new Dictionary<int, long>();
        using var consumer = new ConsumerBuilder<Ignore, string>(new ConsumerConfig
        {
            BootstrapServers = _bootstrap, GroupId = GroupId, EnableAutoCommit = false, AutoOffsetReset = AutoOffsetReset.Earliest,
            SessionTimeoutMs = 10_000, TopicMetadataRefreshIntervalMs = 2000, ReconnectBackoffMaxMs = 500,
        }).SetLogHandler((_, _) => { }).SetErrorHandler((_, _) => { })
            // Positions read under an earlier assignment are not committed after a rebalance: the partition restarts
            // at the group's committed offset, and committing an older assignment's position (kept while commits
            // failed) would make the next commit look like a regression (kill9-all round 4: 1673, then 188). The
            // handlers run on this thread, inside Consume.
            .SetPartitionsAssignedHandler((_, _) => positions.Clear())
            .SetPartitionsRevokedHandler((_, _) => positions.Clear())
            .SetPartitionsLostHandler((_, _) => positions.Clear())
            .Build();
        consumer.Subscribe(_topic);
        var lastCommit = DateTime.UtcNow;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
                if (result?.Message is not null)
                {
                    Interlocked.Increment(ref _consumed);
                    positions[result.Partition.Value] = result.Offset.Value + 1;
                }
            }
            catch (ConsumeException)
            {
            }

            if (DateTime.UtcNow - lastCommit < TimeSpan.FromMilliseconds(250) || positions.Count == 0) continue;
            lastCommit = DateTime.UtcNow;
            var offsets = positions.Select(kv => new TopicPartitionOffset(_topic, kv.Key, kv.Value)).ToList();
            try
            {
                consumer.Commit(offsets);
                long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                lock (_gate) _commits.AddRange(offsets.Select(o => new Commit(o.Partition.Value, o.Offset.Value, now)));
                positions.Clear();
            }
            catch (KafkaException e)
            {
                lock (_gate) _commitErrors.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {e.Error.Code}");
            }
        }

        try { consumer.Close(); } catch (KafkaException) { }
    }

    /// <summary>A group's committed offsets as the coordinator reports them now (a fresh client of the same group;
    /// by default this consumer's group).</summary>
    public static Dictionary<int, long> ReadCommitted(string bootstrap, string topic, int partitions, string groupId = GroupId)
    {
        using var probe = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
        {
            BootstrapServers = bootstrap, GroupId = groupId, EnableAutoCommit = false,
        }).SetLogHandler((_, _) => { }).SetErrorHandler((_, _) => { }).Build();
        var committed = probe.Committed(Enumerable.Range(0, partitions).Select(p => new TopicPartition(topic, p)), TimeSpan.FromSeconds(20));
        return committed.ToDictionary(c => c.Partition.Value, c => c.Offset.Value);
    }

    public ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _thread?.Join(TimeSpan.FromSeconds(20));
        return ValueTask.CompletedTask;
    }
}
