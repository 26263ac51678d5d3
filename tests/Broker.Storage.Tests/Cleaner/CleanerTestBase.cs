using System.Buffers;
using System.Text;
using Broker.Protocol.Records;
using Broker.Storage.Cleaner;
using Broker.Storage.Log;
using Broker.Storage.Tests.Log;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Storage.Tests.Cleaner;

/// <summary>Keyed appends, whole-log reads and a cleaner on the fake clock.</summary>
public abstract class CleanerTestBase : PartitionLogTestBase
{
    /// <summary>A compacted log with small segments (a few batches each) and no retention.</summary>
    protected static LogConfig Compacted(int segmentBytes = 400) => new()
    {
        SegmentBytes = segmentBytes,
        Compact = true,
        Delete = false,
        RetentionMs = -1,
        FileDeleteDelayMs = 0,
        IndexIntervalBytes = 100,
        MaxIndexBytes = 4096,
    };

    protected Broker.Storage.Cleaner.Cleaner NewCleaner(long dedupeBytes = 1024 * 1024, int ioBuffer = 8192) =>
        new(new CleanerOptions { DedupeBufferSize = dedupeBytes, IoBufferSize = ioBuffer * 2 }, new Throttler(double.MaxValue, Time), Time, NullLogger.Instance);

    /// <summary>Appends one batch of (key, value) records; a null value is a tombstone.</summary>
    protected static LogAppendResult Put(PartitionLog log, long timestamp, params (string Key, string? Value)[] records)
    {
        var builder = new RecordBatchBuilder(timestamp);
        foreach ((string key, string? value) in records)
        {
            builder.Add(key, value, timestamp);
        }

        LogAppendResult result = log.Append(builder.Build());
        Assert.That(result.IsSuccess, Is.True, result.Error.ToString());
        return result;
    }

    /// <summary>Appends one batch compressed with <paramref name="codec"/>, as a producer with compression.type sends it.</summary>
    protected static LogAppendResult PutCompressed(PartitionLog log, CompressionType codec, long timestamp, params (string Key, string? Value)[] records)
    {
        var builder = new RecordBatchBuilder(timestamp);
        foreach ((string key, string? value) in records)
        {
            builder.Add(key, value, timestamp);
        }

        LogAppendResult result = log.Append(Compress(builder.Build(), codec));
        Assert.That(result.IsSuccess, Is.True, result.Error.ToString());
        return result;
    }

    /// <summary>One uncompressed batch re-encoded with <paramref name="codec"/>: same header, compressed records, new CRC.</summary>
    protected static byte[] Compress(byte[] batch, CompressionType codec)
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        output.Write(batch.AsSpan(0, RecordBatchHeader.Size));
        RecordCodec.Compress(codec, batch.AsSpan(RecordBatchHeader.Size), output);
        byte[] result = output.WrittenSpan.ToArray();
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(result.AsSpan(8), result.Length - RecordBatchHeader.LogOverhead);
        short attributes = System.Buffers.Binary.BinaryPrimitives.ReadInt16BigEndian(result.AsSpan(21));
        System.Buffers.Binary.BinaryPrimitives.WriteInt16BigEndian(result.AsSpan(21), (short)(attributes | (short)codec));
        RecordBatch.WriteCrc(result);
        return result;
    }

    /// <summary>One batch with its records decompressed (codec bits cleared), readable by <see cref="RecordReader"/>.</summary>
    protected static byte[] Decompressed(ReadOnlySpan<byte> batch)
    {
        RecordBatchHeader header = RecordBatchHeader.Read(batch);
        if (header.Compression == CompressionType.None)
        {
            return batch[..header.TotalSize].ToArray();
        }

        var output = new System.Buffers.ArrayBufferWriter<byte>();
        output.Write(batch[..RecordBatchHeader.Size]);
        RecordCodec.Decompress(header.Compression, batch[RecordBatchHeader.Size..header.TotalSize].ToArray(), 1 << 30, output);
        byte[] result = output.WrittenSpan.ToArray();
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(result.AsSpan(8), result.Length - RecordBatchHeader.LogOverhead);
        System.Buffers.Binary.BinaryPrimitives.WriteInt16BigEndian(result.AsSpan(21), (short)(header.Attributes & ~0x07));
        return result;
    }

    /// <summary>Every record of the log in offset order, with its timestamp (compressed batches decompressed).</summary>
    protected static List<Rec> ReadAll(PartitionLog log)
    {
        var all = new List<Rec>();
        long offset = log.LogStartOffset;
        while (offset < log.LogEndOffset)
        {
            ReadOnlySpan<byte> data = log.Read(offset, 64 * 1024).Records.Span;
            if (data.IsEmpty)
            {
                break;
            }

            while (!data.IsEmpty)
            {
                RecordBatchHeader header = RecordBatchHeader.Read(data);
                var reader = new RecordReader(Decompressed(data[..header.TotalSize]));
                while (reader.TryReadNext(out RecordView record))
                {
                    all.Add(new Rec(record.Offset, record.KeyAsString()!, record.ValueAsString(), record.Timestamp));
                }

                offset = header.NextOffset;
                data = data[header.TotalSize..];
            }
        }

        return all;
    }

    /// <summary>What a correct cleaning of [0, mappedEnd) leaves: the latest record of each key there and everything after.</summary>
    protected static List<Rec> ExpectedAfterCleaning(List<Rec> before, long mappedEnd, bool dropTombstones = false)
    {
        var latest = new Dictionary<string, long>();
        foreach (Rec r in before.Where(r => r.Offset < mappedEnd))
        {
            latest[r.Key] = r.Offset;
        }

        return [.. before.Where(r => (!latest.TryGetValue(r.Key, out long l) || r.Offset >= l) && !(dropTombstones && r.Value is null && r.Offset < mappedEnd))];
    }

    protected readonly record struct Rec(long Offset, string Key, string? Value, long Timestamp)
    {
        public override string ToString() => $"{Offset}:{Key}={Value ?? "<null>"}";
    }

    protected static string Text(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
}
