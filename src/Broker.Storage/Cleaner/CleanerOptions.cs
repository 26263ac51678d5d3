namespace Broker.Storage.Cleaner;

/// <summary>
/// Broker-level log cleaner settings, named and defaulted as Kafka's <c>log.cleaner.*</c>. Per-topic settings
/// (cleanup.policy, delete.retention.ms, min.cleanable.dirty.ratio, min/max.compaction.lag.ms) live in
/// <see cref="LogConfig"/>. Immutable.
/// </summary>
public sealed record CleanerOptions
{
    /// <summary>log.cleaner.enable [true]: run the cleaner threads at all.</summary>
    public bool Enable { get; init; } = true;

    /// <summary>log.cleaner.threads [1]: logs cleaned in parallel; 0 disables cleaning.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>log.cleaner.dedupe.buffer.size [128 MiB]: memory of the key → offset maps, split evenly across threads.
    /// Each entry takes 24 bytes (16-byte key hash, 8-byte offset).</summary>
    public long DedupeBufferSize { get; init; } = 128L * 1024 * 1024;

    /// <summary>log.cleaner.io.buffer.load.factor [0.9]: share of the dedupe map's slots that may be filled.</summary>
    public double DedupeBufferLoadFactor { get; init; } = 0.9;

    /// <summary>log.cleaner.io.buffer.size [512 KiB]: read and write buffers, split across threads (half each).
    /// A batch larger than the read buffer is still read whole.</summary>
    public int IoBufferSize { get; init; } = 512 * 1024;

    /// <summary>log.cleaner.io.max.bytes.per.second [unlimited]: bound on read plus written bytes of all threads.</summary>
    public double IoMaxBytesPerSecond { get; init; } = double.MaxValue;

    /// <summary>log.cleaner.backoff.ms [15000]: a thread's sleep when no log needs cleaning.</summary>
    public long BackoffMs { get; init; } = 15_000;

    /// <summary>Dedupe map bytes of one thread.</summary>
    public long DedupeBytesPerThread => DedupeBufferSize / Math.Max(1, Threads);

    /// <summary>Read (and, equally, write) buffer of one thread.</summary>
    public int IoBufferPerThread => Math.Max(4096, IoBufferSize / Math.Max(1, Threads) / 2);
}
