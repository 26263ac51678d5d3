using System.Buffers.Binary;
using System.Text;
using Broker.Protocol.Records;

namespace Broker.Cli.DumpLog;

/// <summary>
/// Kafka's DumpLogSegments text for the batches of one segment: the batch-level line and, on deep iteration, one line
/// per record. Magic-2 batches only (all this broker writes). Pure function of the bytes.
/// </summary>
internal static class SegmentDump
{
    private const short DeleteHorizonFlag = 0x40;

    /// <summary>Writes every whole batch of <paramref name="segment"/>; returns the bytes they cover.</summary>
    public static long Write(TextWriter output, ReadOnlySpan<byte> segment, bool deep, bool print, bool skipMetadata)
    {
        long position = 0;
        while (position + RecordBatchHeader.Size <= segment.Length)
        {
            var rest = segment[(int)position..];
            if (!RecordBatchHeader.TryRead(rest, out var header) || header.TotalSize > rest.Length || header.Magic != 2) break;
            var batch = rest[..header.TotalSize];
            output.WriteLine(BatchLine(header, batch, position));
            if (deep && header.Compression == CompressionType.None)
            {
                var reader = new RecordReader(batch);
                int index = 0;
                while (reader.TryReadNext(out var record)) output.WriteLine(RecordLine(header, record, index++, print, skipMetadata));
            }

            position += header.TotalSize;
        }

        return position;
    }

    private static string BatchLine(RecordBatchHeader h, ReadOnlySpan<byte> batch, long position)
    {
        bool valid = Crc32C.Compute(batch[21..]) == h.Crc; // CRC-32C covers attributes (offset 21) to the end
        string horizon = (h.Attributes & DeleteHorizonFlag) != 0 ? $"OptionalLong[{h.BaseTimestamp}]" : "OptionalLong.empty";
        return $"baseOffset: {h.BaseOffset} lastOffset: {h.LastOffset} count: {h.RecordsCount} baseSequence: {h.BaseSequence} " +
               $"lastSequence: {Sequence(h.BaseSequence, h.LastOffsetDelta)} producerId: {h.ProducerId} producerEpoch: {h.ProducerEpoch} " +
               $"partitionLeaderEpoch: {h.PartitionLeaderEpoch} isTransactional: {Bool(h.IsTransactional)} isControl: {Bool(h.IsControl)} " +
               $"deleteHorizonMs: {horizon} position: {position} {TypeName(h.TimestampType)}: {h.MaxTimestamp} size: {h.TotalSize} " +
               $"magic: {h.Magic} compresscodec: {h.Compression.ToString().ToLowerInvariant()} crc: {h.Crc} isvalid: {Bool(valid)}";
    }

    private static string RecordLine(RecordBatchHeader h, RecordView r, int index, bool print, bool skipMetadata)
    {
        var line = new StringBuilder();
        string prefix = "| ";
        if (!skipMetadata)
        {
            line.Append($"{prefix}offset: {r.Offset} {TypeName(h.TimestampType)}: {r.Timestamp} keySize: {(r.KeyIsNull ? -1 : r.Key.Length)} " +
                        $"valueSize: {(r.ValueIsNull ? -1 : r.Value.Length)} sequence: {Sequence(h.BaseSequence, (int)(r.Offset - h.BaseOffset))} " +
                        $"headerKeys: [{string.Join(",", HeaderKeys(r.RawHeaders, r.HeaderCount))}]");
            prefix = " ";
            if (h.IsControl && !r.KeyIsNull && r.Key.Length >= 4)
            {
                short type = BinaryPrimitives.ReadInt16BigEndian(r.Key[2..]);
                if (type is 0 or 1 && r.Value.Length >= 6)
                    line.Append($" endTxnMarker: {(type == 0 ? "ABORT" : "COMMIT")} coordinatorEpoch: {BinaryPrimitives.ReadInt32BigEndian(r.Value[2..])}");
                else line.Append($" controlType: UNKNOWN({type})");
            }
        }

        if (print && !h.IsControl)
        {
            if (!r.KeyIsNull)
            {
                line.Append($"{prefix}key: {Encoding.UTF8.GetString(r.Key)}");
                prefix = " ";
            }

            if (!r.ValueIsNull) line.Append($" payload: {Encoding.UTF8.GetString(r.Value)}");
        }

        return line.ToString();
    }

    /// <summary>Kafka's DefaultRecordBatch.incrementSequence: -1 stays -1, otherwise wraps past int.MaxValue to 0.</summary>
    private static int Sequence(int baseSequence, int delta) =>
        baseSequence == -1 ? -1 : baseSequence > int.MaxValue - delta ? delta - (int.MaxValue - baseSequence) - 1 : baseSequence + delta;

    private static IEnumerable<string> HeaderKeys(ReadOnlySpan<byte> raw, int count)
    {
        var keys = new List<string>(count);
        for (int i = 0; i < count; i++)
        {
            if (!RecordVarint.TryReadVarint(raw, out int keyLength, out int read)) break;
            raw = raw[read..];
            keys.Add(Encoding.UTF8.GetString(raw[..keyLength]));
            raw = raw[keyLength..];
            if (!RecordVarint.TryReadVarint(raw, out int valueLength, out read)) break;
            raw = raw[(read + Math.Max(0, valueLength))..];
        }

        return keys;
    }

    private static string TypeName(TimestampType type) => type == TimestampType.LogAppendTime ? "LogAppendTime" : "CreateTime";

    private static string Bool(bool b) => b ? "true" : "false";
}
