using System.Text;
using Broker.Protocol.Records;

namespace Broker.Storage.Tests;

/// <summary>Batch factories for storage tests.</summary>
internal static class Batches
{
    /// <summary>A batch of <paramref name="count"/> records with values "v0".."vN" padded to <paramref name="valueBytes"/>.</summary>
    public static byte[] Make(int count = 1, long timestamp = 1_700_000_000_000, int valueBytes = 10, string prefix = "v")
    {
        var builder = new RecordBatchBuilder(timestamp);
        for (int i = 0; i < count; i++)
        {
            string value = (prefix + i).PadRight(valueBytes, '.');
            builder.Add(Encoding.UTF8.GetBytes("k" + i), Encoding.UTF8.GetBytes(value), timestamp + i);
        }

        return builder.Build();
    }

    /// <summary>
    /// An idempotent producer's batch of <paramref name="count"/> records starting at sequence
    /// <paramref name="baseSequence"/>, with values <paramref name="prefix"/>0..N.
    /// </summary>
    public static byte[] Idempotent(long producerId, short epoch, int baseSequence, int count = 1, long timestamp = 1_700_000_000_000, string prefix = "v")
    {
        var builder = new RecordBatchBuilder(timestamp) { ProducerId = producerId, ProducerEpoch = epoch, BaseSequence = baseSequence };
        for (int i = 0; i < count; i++)
        {
            builder.Add("k" + i, prefix + i, timestamp + i);
        }

        return builder.Build();
    }

    /// <summary>A transactional producer's batch (attribute bit 4 set), otherwise as <see cref="Idempotent"/>.</summary>
    public static byte[] Transactional(long producerId, short epoch, int baseSequence, int count = 1, long timestamp = 1_700_000_000_000, string prefix = "v")
    {
        var builder = new RecordBatchBuilder(timestamp) { ProducerId = producerId, ProducerEpoch = epoch, BaseSequence = baseSequence, IsTransactional = true };
        for (int i = 0; i < count; i++)
        {
            builder.Add("k" + i, prefix + i, timestamp + i);
        }

        return builder.Build();
    }

    /// <summary>Splits concatenated batches into their headers.</summary>
    public static List<RecordBatchHeader> Headers(ReadOnlySpan<byte> data)
    {
        var headers = new List<RecordBatchHeader>();
        while (!data.IsEmpty)
        {
            RecordBatchHeader header = RecordBatchHeader.Read(data);
            headers.Add(header);
            data = data[header.TotalSize..];
        }

        return headers;
    }

    /// <summary>Values of all records in the concatenated batches, in order.</summary>
    public static List<string?> Values(ReadOnlySpan<byte> data)
    {
        var values = new List<string?>();
        while (!data.IsEmpty)
        {
            RecordBatchHeader header = RecordBatchHeader.Read(data);
            var reader = new RecordReader(data[..header.TotalSize]);
            while (reader.TryReadNext(out RecordView record))
            {
                values.Add(record.ValueAsString());
            }

            data = data[header.TotalSize..];
        }

        return values;
    }
}
