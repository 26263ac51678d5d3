namespace Broker.Server.Configuration;

// Typed views of the settings. Defaults are not repeated here: they come from BrokerConfigDef through the resolved
// values. Fallbacks between settings (log.dirs/log.dir, retention ms/minutes/hours, ...) are applied here only.
public sealed partial class BrokerConfig
{
    // --- Server basics

    /// <summary><c>broker.id</c>; -1 when not set.</summary>
    public int BrokerId => Value<int>("broker.id");

    /// <summary><c>broker.rack</c>; null when not set.</summary>
    public string? BrokerRack => (string?)Get("broker.rack");

    public int NumNetworkThreads => Value<int>("num.network.threads");

    public int NumIoThreads => Value<int>("num.io.threads");

    public int BackgroundThreads => Value<int>("background.threads");

    public int QueuedMaxRequests => Value<int>("queued.max.requests");

    public bool AutoCreateTopicsEnable => Value<bool>("auto.create.topics.enable");

    public bool DeleteTopicEnable => Value<bool>("delete.topic.enable");

    /// <summary><c>compression.type</c>: a codec name, <c>uncompressed</c> or <c>producer</c>.</summary>
    public string CompressionType => Value<string>("compression.type");

    /// <summary>Largest accepted record batch, in bytes.</summary>
    public int MessageMaxBytes => Value<int>("message.max.bytes");

    // --- Sockets

    /// <summary>SO_SNDBUF in bytes; -1 means the OS default.</summary>
    public int SocketSendBufferBytes => Value<int>("socket.send.buffer.bytes");

    /// <summary>SO_RCVBUF in bytes; -1 means the OS default.</summary>
    public int SocketReceiveBufferBytes => Value<int>("socket.receive.buffer.bytes");

    /// <summary>Largest request size read from a socket, in bytes.</summary>
    public int SocketRequestMaxBytes => Value<int>("socket.request.max.bytes");

    /// <summary><c>socket.request.receive.timeout.ms</c>: longest a partially received request may wait for its rest; negative means never.</summary>
    public long SocketRequestReceiveTimeoutMs => Value<long>("socket.request.receive.timeout.ms");

    /// <summary><c>connections.max.idle.ms</c>; negative means never.</summary>
    public long ConnectionsMaxIdleMs => Value<long>("connections.max.idle.ms");

    public int MaxConnections => Value<int>("max.connections");

    /// <summary>leader.replication.throttled.rate, bytes/s (long.MaxValue = none).</summary>
    public long LeaderReplicationThrottledRate => Value<long>("leader.replication.throttled.rate");

    /// <summary>follower.replication.throttled.rate, bytes/s (long.MaxValue = none).</summary>
    public long FollowerReplicationThrottledRate => Value<long>("follower.replication.throttled.rate");

    public int MaxConnectionsPerIp => Value<int>("max.connections.per.ip");

    /// <summary><c>max.connections.per.ip.overrides</c> as (host, count) pairs; hosts are not resolved here.</summary>
    public IReadOnlyList<(string Host, int Count)> MaxConnectionsPerIpOverrides =>
        ((IReadOnlyList<string>?)Get("max.connections.per.ip.overrides") ?? [])
            .Select(pair =>
            {
                int colon = pair.LastIndexOf(':');
                return (pair[..colon].Trim().Trim('[', ']'), int.Parse(pair.AsSpan(colon + 1), System.Globalization.CultureInfo.InvariantCulture));
            })
            .ToArray();

    /// <summary>Most record bytes in one Fetch response.</summary>
    public int FetchMaxBytes => Value<int>("fetch.max.bytes");

    /// <summary>Longest wait of a long-polling Fetch, in milliseconds.</summary>
    public int FetchMaxWaitCapMs => Value<int>("fetch.max.wait.cap.ms");

    /// <summary>True when <c>replica.selector.class</c> is Kafka's RackAwareReplicaSelector.</summary>
    public bool RackAwareReplicaSelector => (string?)Get("replica.selector.class") == Partitions.RackAwareReplicaSelector.KafkaClassName;

    // --- Log

    /// <summary><c>log.dirs</c> when set, else the single <c>log.dir</c>. Never empty.</summary>
    public IReadOnlyList<string> LogDirs =>
        (IReadOnlyList<string>?)Get("log.dirs") ?? [Value<string>("log.dir")];

    public int NumPartitions => Value<int>("num.partitions");

    public int NumRecoveryThreadsPerDataDir => Value<int>("num.recovery.threads.per.data.dir");

    public int LogSegmentBytes => Value<int>("log.segment.bytes");

    /// <summary><c>log.roll.ms</c> when set, else <c>log.roll.hours</c> in milliseconds.</summary>
    public long LogRollMs => Optional<long>("log.roll.ms") ?? Value<int>("log.roll.hours") * 3_600_000L;

    public int LogIndexIntervalBytes => Value<int>("log.index.interval.bytes");

    public int LogIndexSizeMaxBytes => Value<int>("log.index.size.max.bytes");

    /// <summary><c>CreateTime</c> or <c>LogAppendTime</c>.</summary>
    public string LogMessageTimestampType => Value<string>("log.message.timestamp.type");

    public long LogSegmentDeleteDelayMs => Value<long>("log.segment.delete.delay.ms");

    public long LogFlushIntervalMessages => Value<long>("log.flush.interval.messages");

    /// <summary><c>log.flush.interval.ms</c>; null means "use <see cref="LogFlushSchedulerIntervalMs"/>".</summary>
    public long? LogFlushIntervalMs => Optional<long>("log.flush.interval.ms");

    public long LogFlushSchedulerIntervalMs => Value<long>("log.flush.scheduler.interval.ms");

    public int LogFlushOffsetCheckpointIntervalMs => Value<int>("log.flush.offset.checkpoint.interval.ms");

    public int LogFlushStartOffsetCheckpointIntervalMs => Value<int>("log.flush.start.offset.checkpoint.interval.ms");

    /// <summary>
    /// Time retention in milliseconds: <c>log.retention.ms</c>, else <c>.minutes</c>, else <c>.hours</c>.
    /// -1 means unlimited (any negative value is normalised to -1).
    /// </summary>
    public long LogRetentionMs
    {
        get
        {
            var ms = Optional<long>("log.retention.ms")
                     ?? Optional<int>("log.retention.minutes") * 60_000L
                     ?? Value<int>("log.retention.hours") * 3_600_000L;
            return ms < 0 ? -1 : ms;
        }
    }

    /// <summary>Size retention per partition in bytes; -1 means unlimited.</summary>
    public long LogRetentionBytes => Value<long>("log.retention.bytes");

    public long LogRetentionCheckIntervalMs => Value<long>("log.retention.check.interval.ms");

    /// <summary><c>delete</c> and/or <c>compact</c>.</summary>
    public IReadOnlyList<string> LogCleanupPolicy => Value<IReadOnlyList<string>>("log.cleanup.policy");

    public bool LogCleanerEnable => Value<bool>("log.cleaner.enable");

    public int LogCleanerThreads => Value<int>("log.cleaner.threads");

    public double LogCleanerMinCleanableRatio => Value<double>("log.cleaner.min.cleanable.ratio");

    public long LogCleanerDeleteRetentionMs => Value<long>("log.cleaner.delete.retention.ms");

    public long LogCleanerMinCompactionLagMs => Value<long>("log.cleaner.min.compaction.lag.ms");

    public long LogCleanerMaxCompactionLagMs => Value<long>("log.cleaner.max.compaction.lag.ms");

    public long LogCleanerBackoffMs => Value<long>("log.cleaner.backoff.ms");

    public long LogCleanerDedupeBufferSize => Value<long>("log.cleaner.dedupe.buffer.size");

    public int LogCleanerIoBufferSize => Value<int>("log.cleaner.io.buffer.size");

    public double LogCleanerIoBufferLoadFactor => Value<double>("log.cleaner.io.buffer.load.factor");

    public double LogCleanerIoMaxBytesPerSecond => Value<double>("log.cleaner.io.max.bytes.per.second");

    /// <summary>The log cleaner's settings (log.cleaner.*).</summary>
    public Broker.Storage.Cleaner.CleanerOptions LogCleanerOptions => new()
    {
        Enable = LogCleanerEnable,
        Threads = LogCleanerThreads,
        BackoffMs = LogCleanerBackoffMs,
        DedupeBufferSize = LogCleanerDedupeBufferSize,
        DedupeBufferLoadFactor = LogCleanerIoBufferLoadFactor,
        IoBufferSize = LogCleanerIoBufferSize,
        IoMaxBytesPerSecond = LogCleanerIoMaxBytesPerSecond,
    };
}
