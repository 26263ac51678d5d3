using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Broker.Protocol.Records;

namespace Broker.Storage.Cleaner;

/// <summary>
/// Cleans compressed batches as Kafka's MemoryRecords.filterTo does: the records are decompressed, filtered by
/// <see cref="BatchFilter"/> like an uncompressed batch, and when anything was dropped (or a delete horizon stamped)
/// the retained records are compressed again with the batch's own codec into one batch that keeps the base offset,
/// last offset delta, producer id/epoch, base sequence, leader epoch and timestamps (so offsets and producer state
/// are unchanged). A batch with every record kept and nothing to stamp is written as it was, bytes unchanged. An
/// emptied batch kept for its producer state is written as an empty uncompressed header (Kafka's writeEmptyHeader).
/// Not thread-safe: one instance per <see cref="Cleaner"/>; its buffers are reused across batches.
/// </summary>
internal sealed class CompressedBatchFilter
{
    /// <summary>Most bytes one batch may decompress to in the cleaner (its produce validation bounded it already).</summary>
    public const long MaxDecompressedBytes = 1L << 30;

    private readonly ArrayBufferWriter<byte> _plain = new(64 * 1024);
    private readonly ArrayBufferWriter<byte> _filtered = new(64 * 1024);

    /// <summary>
    /// The batch as an uncompressed batch: its header with the codec bits cleared and the batch length fixed, then the
    /// decompressed records. Valid until the next call. The CRC is not recomputed (readers of it do not check it).
    /// </summary>
    /// <exception cref="InvalidDataException">the payload cannot be decompressed.</exception>
    public ReadOnlySpan<byte> Decompress(ReadOnlyMemory<byte> batch)
    {
        RecordBatchHeader header = RecordBatchHeader.Read(batch.Span);
        _plain.ResetWrittenCount();
        _plain.Write(batch.Span[..RecordBatchHeader.Size]);
        RecordCodec.Decompress(header.Compression, batch[RecordBatchHeader.Size..header.TotalSize], MaxDecompressedBytes, _plain);
        Span<byte> plain = MemoryMarshal.AsMemory(_plain.WrittenMemory).Span;
        BinaryPrimitives.WriteInt32BigEndian(plain[8..], plain.Length - RecordBatchHeader.LogOverhead);
        BinaryPrimitives.WriteInt16BigEndian(plain[21..], (short)(header.Attributes & ~0x07));
        return plain;
    }

    /// <summary>Filters one compressed batch into <paramref name="output"/>; arguments as <see cref="BatchFilter.Filter"/>.</summary>
    public BatchFilter.Outcome Filter(ReadOnlyMemory<byte> batch, OffsetMap map, long nowMs, long deleteRetentionMs, bool retainEmpty, ArrayBufferWriter<byte> output)
    {
        RecordBatchHeader header = RecordBatchHeader.Read(batch.Span);
        ReadOnlySpan<byte> plain = Decompress(batch);
        _filtered.ResetWrittenCount();
        BatchFilter.Outcome outcome = BatchFilter.Filter(plain, map, nowMs, deleteRetentionMs, retainEmpty, _filtered);
        if (!outcome.Written)
        {
            return outcome;
        }

        if (!outcome.Rebuilt)
        {
            output.Write(batch.Span[..header.TotalSize]);
            return outcome;
        }

        ReadOnlySpan<byte> filtered = _filtered.WrittenSpan;
        if (outcome.RecordsKept == 0)
        {
            output.Write(filtered);
            return outcome;
        }

        int start = output.WrittenCount;
        output.Write(filtered[..RecordBatchHeader.Size]);
        RecordCodec.Compress(header.Compression, filtered[RecordBatchHeader.Size..], output);
        Span<byte> written = MemoryMarshal.AsMemory(output.WrittenMemory).Span[start..];
        short attributes = BinaryPrimitives.ReadInt16BigEndian(written[21..]);
        BinaryPrimitives.WriteInt16BigEndian(written[21..], (short)(attributes | (short)header.Compression));
        BinaryPrimitives.WriteInt32BigEndian(written[8..], written.Length - RecordBatchHeader.LogOverhead);
        RecordBatch.WriteCrc(written);
        return outcome;
    }
}
