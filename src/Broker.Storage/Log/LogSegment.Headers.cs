using Broker.Protocol.Records;

namespace Broker.Storage.Log;

public sealed partial class LogSegment
{
    /// <summary>
    /// Calls <paramref name="visit"/> with the header of every batch whose last offset is &gt;=
    /// <paramref name="fromOffset"/>, in order, reading headers only (the offset index finds the start). Used at load
    /// and truncation to rebuild the leader epoch cache and producer state. Same threading rules as Read.
    /// </summary>
    internal void VisitBatchHeaders(long fromOffset, Action<RecordBatchHeader> visit)
    {
        int end = Size;
        using var reader = new SegmentReader(_log, end, HeaderScanBufferBytes);
        if (!TryFindBatch(reader, fromOffset, end, out int position, out _))
        {
            return;
        }

        while (reader.TryRead(position, RecordBatchHeader.Size, out ReadOnlySpan<byte> bytes))
        {
            RecordBatchHeader header = RecordBatchHeader.Read(bytes);
            if (header.BatchLength < RecordBatchHeader.Size - RecordBatchHeader.LogOverhead || position + header.TotalSize > end)
            {
                return;
            }

            visit(header);
            position += header.TotalSize;
        }
    }

    /// <summary>
    /// Like <see cref="VisitBatchHeaders"/>, but a control batch is handed with its first bytes (up to
    /// <see cref="ControlPrefixBytes"/>, enough for its marker record), other batches with their header only.
    /// </summary>
    internal void VisitBatchesWithMarkers(long fromOffset, BatchPrefixVisitor visit)
    {
        int end = Size;
        using var reader = new SegmentReader(_log, end, HeaderScanBufferBytes);
        if (!TryFindBatch(reader, fromOffset, end, out int position, out _))
        {
            return;
        }

        while (reader.TryRead(position, RecordBatchHeader.Size, out ReadOnlySpan<byte> bytes))
        {
            RecordBatchHeader header = RecordBatchHeader.Read(bytes);
            if (header.BatchLength < RecordBatchHeader.Size - RecordBatchHeader.LogOverhead || position + header.TotalSize > end)
            {
                return;
            }

            if (header.IsControl && reader.TryRead(position, Math.Min(header.TotalSize, ControlPrefixBytes), out ReadOnlySpan<byte> prefix))
            {
                visit(header, prefix);
            }
            else
            {
                visit(header, default);
            }

            position += header.TotalSize;
        }
    }

    /// <summary>Bytes of a control batch read for its marker: the header and a one-record body with a small key and value.</summary>
    internal const int ControlPrefixBytes = 128;
}

/// <summary>Receives a batch header and, for control batches, the batch's first bytes (empty otherwise).</summary>
internal delegate void BatchPrefixVisitor(in RecordBatchHeader header, ReadOnlySpan<byte> prefix);
