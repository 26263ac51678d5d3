using System.Buffers;
using System.Buffers.Binary;
using Broker.Protocol.Records;

namespace Broker.Storage.Cleaner;

/// <summary>
/// Rewrites one uncompressed magic-2 batch keeping only the records the cleaner retains, as Kafka's
/// MemoryRecords.filterTo does for v2: the batch keeps its base offset, last offset delta, producer id/epoch/base
/// sequence and leader epoch, so retained records keep their offsets and a consumer sees gaps, never renumbering.
/// Tombstones follow KIP-534: the first cleaning that keeps a tombstone stamps the batch with a delete horizon (now +
/// delete.retention.ms: attribute bit 6 set, baseTimestamp = horizon, record timestamp deltas re-encoded against it so
/// record timestamps are unchanged); a cleaning after the horizon drops the batch's tombstones. Stateless.
/// </summary>
internal static class BatchFilter
{
    /// <summary>Attribute bit: baseTimestamp holds the delete horizon (KIP-534).</summary>
    public const short DeleteHorizonFlag = 0x40;

    /// <summary>What happened to one batch: <paramref name="Written"/> when anything was output, <paramref name="Rebuilt"/>
    /// when that output differs from the input batch (records dropped or a delete horizon stamped).</summary>
    public readonly record struct Outcome(int RecordsIn, int RecordsKept, long DeleteHorizonMs, bool Written, bool Rebuilt = false);

    /// <summary>
    /// Filters <paramref name="batch"/> into <paramref name="output"/>. A record is kept when it has a key, no newer
    /// record of its key is in <paramref name="map"/>, and it is not a tombstone past its delete horizon.
    /// </summary>
    /// <param name="batch">One whole uncompressed, non-control batch.</param>
    /// <param name="map">Latest offset per key of the dirty section.</param>
    /// <param name="nowMs">Wall clock of this cleaning.</param>
    /// <param name="deleteRetentionMs">delete.retention.ms of the log.</param>
    /// <param name="retainEmpty">Keep the header even when no record survives (an idempotent producer's last batch).</param>
    /// <param name="output">Receives the batch (unchanged or rebuilt) when anything is kept.</param>
    public static Outcome Filter(ReadOnlySpan<byte> batch, OffsetMap map, long nowMs, long deleteRetentionMs, bool retainEmpty, ArrayBufferWriter<byte> output)
    {
        RecordBatchHeader header = RecordBatchHeader.Read(batch);
        bool horizonSet = (header.Attributes & DeleteHorizonFlag) != 0;
        bool dropTombstones = horizonSet && nowMs >= header.BaseTimestamp;
        ReadOnlySpan<byte> remaining = batch[RecordBatchHeader.Size..header.TotalSize];

        // Pass 1: decide. Kept records are remembered as (start, length) slices of the batch.
        Span<(int Start, int Length, bool Tombstone)> kept = header.RecordsCount <= 256
            ? stackalloc (int, int, bool)[header.RecordsCount]
            : new (int, int, bool)[header.RecordsCount];
        int keptCount = 0;
        bool keptTombstone = false;
        int position = RecordBatchHeader.Size;
        for (int i = 0; i < header.RecordsCount; i++)
        {
            int start = position;
            if (!RecordVarint.TryReadVarint(remaining, out int length, out int lengthBytes) || length < 0 || lengthBytes + length > remaining.Length)
            {
                throw new InvalidDataException($"Malformed record in batch at offset {header.BaseOffset}.");
            }

            ReadOnlySpan<byte> body = remaining.Slice(lengthBytes, length);
            remaining = remaining[(lengthBytes + length)..];
            position += lengthBytes + length;
            ParseKey(body, out int offsetDelta, out ReadOnlySpan<byte> key, out bool keyNull, out bool tombstone);
            long offset = header.BaseOffset + offsetDelta;
            if (keyNull)
            {
                continue; // Kafka's cleaner discards records without a key (a compacted topic cannot address them).
            }

            long latest = map.Get(key);
            if (latest >= 0 && offset < latest)
            {
                continue;
            }

            if (tombstone && dropTombstones)
            {
                continue;
            }

            kept[keptCount++] = (start, position - start, tombstone);
            keptTombstone |= tombstone;
        }

        bool stampHorizon = keptTombstone && !horizonSet;
        long horizon = horizonSet ? header.BaseTimestamp : stampHorizon ? SaturatingAdd(nowMs, deleteRetentionMs) : -1;
        if (keptCount == header.RecordsCount && !stampHorizon)
        {
            output.Write(batch[..header.TotalSize]);
            return new Outcome(header.RecordsCount, keptCount, keptTombstone ? horizon : -1, true);
        }

        if (keptCount == 0 && !retainEmpty)
        {
            return new Outcome(header.RecordsCount, 0, -1, false, true);
        }

        int outStart = output.WrittenCount;
        Span<byte> headerOut = output.GetSpan(RecordBatchHeader.Size);
        batch[..RecordBatchHeader.Size].CopyTo(headerOut);
        output.Advance(RecordBatchHeader.Size);
        Span<byte> scratch = stackalloc byte[RecordVarint.MaxVarintBytes + 1 + RecordVarint.MaxVarlongBytes];
        for (int i = 0; i < keptCount; i++)
        {
            ReadOnlySpan<byte> record = batch.Slice(kept[i].Start, kept[i].Length);
            if (!stampHorizon)
            {
                output.Write(record);
                continue;
            }

            WriteRebased(record, header.BaseTimestamp, horizon, output, scratch);
        }

        int total = output.WrittenCount - outStart;
        // The writer owns the bytes just written; patch the header in place.
        Span<byte> written = System.Runtime.InteropServices.MemoryMarshal.AsMemory(output.WrittenMemory).Span.Slice(outStart, total);
        BinaryPrimitives.WriteInt32BigEndian(written[8..], total - RecordBatchHeader.LogOverhead);
        BinaryPrimitives.WriteInt32BigEndian(written[57..], keptCount);
        if (stampHorizon)
        {
            BinaryPrimitives.WriteInt16BigEndian(written[21..], (short)(header.Attributes | DeleteHorizonFlag));
            BinaryPrimitives.WriteInt64BigEndian(written[27..], horizon);
        }

        RecordBatch.WriteCrc(written);
        return new Outcome(header.RecordsCount, keptCount, keptTombstone ? horizon : -1, true, true);
    }

    /// <summary>Reads offset delta, key and whether the value is null from a record body (after its length).</summary>
    private static void ParseKey(ReadOnlySpan<byte> record, out int offsetDelta, out ReadOnlySpan<byte> key, out bool keyNull, out bool valueNull)
    {
        ReadOnlySpan<byte> body = record[1..]; // attributes
        if (!RecordVarint.TryReadVarlong(body, out _, out int read))
        {
            throw new InvalidDataException("Malformed record timestamp.");
        }

        body = body[read..];
        if (!RecordVarint.TryReadVarint(body, out offsetDelta, out read))
        {
            throw new InvalidDataException("Malformed record offset delta.");
        }

        body = body[read..];
        key = ReadBytes(ref body, out keyNull);
        ReadBytes(ref body, out valueNull);
    }

    private static ReadOnlySpan<byte> ReadBytes(scoped ref ReadOnlySpan<byte> s, out bool isNull)
    {
        if (!RecordVarint.TryReadVarint(s, out int length, out int read) || (length >= 0 && read + length > s.Length))
        {
            throw new InvalidDataException("Malformed record field.");
        }

        s = s[read..];
        isNull = length < 0;
        if (isNull)
        {
            return default;
        }

        ReadOnlySpan<byte> bytes = s[..length];
        s = s[length..];
        return bytes;
    }

    /// <summary>Writes <paramref name="record"/> with its timestamp delta re-expressed against the new base.</summary>
    private static void WriteRebased(ReadOnlySpan<byte> record, long oldBase, long newBase, ArrayBufferWriter<byte> output, Span<byte> scratch)
    {
        RecordVarint.TryReadVarint(record, out int length, out int lengthBytes);
        ReadOnlySpan<byte> body = record.Slice(lengthBytes, length);
        byte attributes = body[0];
        RecordVarint.TryReadVarlong(body[1..], out long delta, out int deltaBytes);
        ReadOnlySpan<byte> rest = body[(1 + deltaBytes)..];
        long newDelta = oldBase + delta - newBase;
        int prefix = 0;
        scratch[prefix++] = attributes;
        prefix += RecordVarint.WriteVarlong(scratch[prefix..], newDelta);
        int newLength = prefix + rest.Length;
        Span<byte> lengthOut = output.GetSpan(RecordVarint.MaxVarintBytes);
        output.Advance(RecordVarint.WriteVarint(lengthOut, newLength));
        output.Write(scratch[..prefix]);
        output.Write(rest);
    }

    private static long SaturatingAdd(long a, long b) => b > long.MaxValue - a ? long.MaxValue : a + b;
}
