using Broker.Protocol.Records;

namespace Broker.IntegrationTests.Replication;

/// <summary>
/// A replica's stored batches read straight from its segment files (<c>&lt;logdir&gt;/&lt;topic&gt;-&lt;p&gt;/*.log</c>, in
/// offset order) while the broker is stopped. Replicas copy the leader's batches verbatim, so below the high watermark
/// the replicas' bytes must be identical.
/// </summary>
public sealed class ReplicaLogFiles
{
    private ReplicaLogFiles(int brokerId, byte[] bytes, List<RecordBatchHeader> batches, long nextOffset)
    {
        BrokerId = brokerId;
        Bytes = bytes;
        Batches = batches;
        NextOffset = nextOffset;
    }

    public int BrokerId { get; }

    /// <summary>The batches wholly below the cut offset, concatenated as stored.</summary>
    public byte[] Bytes { get; }

    public IReadOnlyList<RecordBatchHeader> Batches { get; }

    /// <summary>The offset after the last batch kept (the cut when the replica had everything below it).</summary>
    public long NextOffset { get; }

    /// <summary>Reads the partition folder of one broker, keeping the batches whose last offset is below <paramref name="cutOffset"/>.</summary>
    public static ReplicaLogFiles Read(int brokerId, string logDir, string topic, int partition, long cutOffset)
    {
        string folder = Path.Combine(logDir, $"{topic}-{partition}");
        var kept = new MemoryStream();
        var batches = new List<RecordBatchHeader>();
        long next = 0;
        if (Directory.Exists(folder))
        {
            foreach (string file in Directory.GetFiles(folder, "*.log").Order(StringComparer.Ordinal))
            {
                byte[] data = File.ReadAllBytes(file);
                int position = 0;
                while (RecordBatchHeader.TryRead(data.AsSpan(position), out var header) && header.BatchLength > 0
                       && position + header.TotalSize <= data.Length)
                {
                    if (header.LastOffset < cutOffset)
                    {
                        kept.Write(data, position, header.TotalSize);
                        batches.Add(header);
                        next = header.NextOffset;
                    }

                    position += header.TotalSize;
                }
            }
        }

        return new ReplicaLogFiles(brokerId, kept.ToArray(), batches, next);
    }

    /// <summary>Where this replica first differs from <paramref name="other"/>, in words; null when byte-identical.</summary>
    public string? FirstDifference(ReplicaLogFiles other)
    {
        if (Bytes.AsSpan().SequenceEqual(other.Bytes)) return null;
        for (int i = 0; i < Math.Min(Batches.Count, other.Batches.Count); i++)
        {
            var a = Batches[i];
            var b = other.Batches[i];
            if (a.BaseOffset != b.BaseOffset || a.TotalSize != b.TotalSize || a.PartitionLeaderEpoch != b.PartitionLeaderEpoch || a.Crc != b.Crc)
                return $"batch {i}: broker {BrokerId} has offsets {a.BaseOffset}..{a.LastOffset} epoch {a.PartitionLeaderEpoch} crc {a.Crc:x8} size {a.TotalSize}, " +
                       $"broker {other.BrokerId} has {b.BaseOffset}..{b.LastOffset} epoch {b.PartitionLeaderEpoch} crc {b.Crc:x8} size {b.TotalSize}";
        }

        return $"broker {BrokerId} has {Batches.Count} batches ({Bytes.Length} B, up to offset {NextOffset}), " +
               $"broker {other.BrokerId} has {other.Batches.Count} ({other.Bytes.Length} B, up to offset {other.NextOffset})";
    }
}
