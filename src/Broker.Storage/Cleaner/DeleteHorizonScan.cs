using Broker.Protocol.Records;
using Broker.Storage.Log;

namespace Broker.Storage.Cleaner;

/// <summary>
/// Recovers, after a restart, when a log's kept tombstones become removable. The delete horizon itself is durable in
/// the batches (KIP-534: attribute bit 6 and the base timestamp, stamped by the first cleaning that kept a tombstone);
/// what a restart loses is the cleaner's knowledge that the log must be cleaned again at that time although nothing
/// is dirty. This scan reads the cleaned section once per log and process, decoding only stamped batches (few: those
/// that held tombstones), and returns the earliest horizon of a batch that still holds a tombstone. Stateless;
/// reads segment files (I/O proportional to the cleaned section).
/// </summary>
internal static class DeleteHorizonScan
{
    private const int ChunkBytes = 256 * 1024;

    /// <summary>Earliest delete horizon (Unix ms) of a stamped batch holding a tombstone in [<paramref name="from"/>,
    /// <paramref name="to"/>) of the inactive segments, or -1 when there is none.</summary>
    public static long EarliestPending(LogSegment[] segments, long from, long to)
    {
        long earliest = -1;
        CompressedBatchFilter? decompressor = null;
        for (int i = 0; i < segments.Length - 1 && segments[i].BaseOffset < to; i++)
        {
            LogSegment segment = segments[i];
            long offset = Math.Max(from, segment.BaseOffset);
            while (offset < to && segment.TryRead(offset, ChunkBytes, long.MaxValue, minOneMessage: true, out ReadOnlyMemory<byte> chunk) && !chunk.IsEmpty)
            {
                ReadOnlyMemory<byte> data = chunk;
                while (!data.IsEmpty)
                {
                    RecordBatchHeader header = RecordBatchHeader.Read(data.Span);
                    ReadOnlyMemory<byte> batch = data[..header.TotalSize];
                    data = data[header.TotalSize..];
                    offset = header.NextOffset;
                    if ((header.Attributes & BatchFilter.DeleteHorizonFlag) == 0 || header.IsControl || header.IsTransactional
                        || header.RecordsCount == 0 || (earliest >= 0 && header.BaseTimestamp >= earliest))
                    {
                        continue;
                    }

                    ReadOnlySpan<byte> plain = header.Compression == CompressionType.None
                        ? batch.Span
                        : (decompressor ??= new CompressedBatchFilter()).Decompress(batch);
                    var records = new RecordReader(plain);
                    while (records.TryReadNext(out RecordView record))
                    {
                        if (record.ValueIsNull)
                        {
                            earliest = header.BaseTimestamp;
                            break;
                        }
                    }
                }
            }
        }

        return earliest;
    }
}
