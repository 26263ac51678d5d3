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
}
