using System.Buffers;
using System.Diagnostics;
using Broker.Protocol.Records;
using Broker.Storage.Log;
using Microsoft.Extensions.Logging;

namespace Broker.Storage.Cleaner;

/// <summary>
/// Cleans one log at a time, as Kafka's Cleaner: (1) reads the dirty section [first dirty offset, upper bound) and
/// records the latest offset of every key in a bounded <see cref="OffsetMap"/>, stopping at a batch boundary when the
/// map is full (the rest waits for the next pass); (2) rewrites every inactive segment below the mapped end, grouped
/// so that a group's original sizes fit segment.bytes, keeping each record that has no newer record of its key and is
/// not a tombstone past its delete horizon (<see cref="BatchFilter"/>); (3) swaps each group in atomically
/// (<see cref="PartitionLog.ReplaceSegmentsAfterCleaning"/>). Compressed batches are decompressed for the map and
/// recompressed with their own codec when records go (<see cref="CompressedBatchFilter"/>); control and transactional
/// batches (and unknown codecs) are kept whole and their keys ignored. The active segment is never touched, and
/// nothing at or above the high watermark is mapped or removed.
/// Thread-safety: one instance per cleaner thread.
/// </summary>
public sealed class Cleaner
{
    private readonly OffsetMap _map;
    private readonly int _ioBufferBytes;
    private readonly Throttler _throttler;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ArrayBufferWriter<byte> _output;
    private readonly CompressedBatchFilter _compressed = new();

    public Cleaner(CleanerOptions options, Throttler throttler, TimeProvider time, ILogger logger)
    {
        _map = new OffsetMap(options.DedupeBytesPerThread, options.DedupeBufferLoadFactor);
        _ioBufferBytes = options.IoBufferPerThread;
        _throttler = throttler;
        _time = time;
        _logger = logger;
        _output = new ArrayBufferWriter<byte>(_ioBufferBytes + RecordBatchHeader.Size);
    }

    /// <summary>Keys one pass can deduplicate.</summary>
    public int MapCapacity => _map.Capacity;

    /// <summary>Test hook: called after each step of a cleaning with the step's name (used to snapshot the disk as a
    /// crash there would leave it).</summary>
    internal Action<string>? StepHook { get; set; }

    /// <summary>Cleans <paramref name="log"/> from <paramref name="firstDirtyOffset"/> up to at most <paramref name="upperBound"/>.</summary>
    /// <param name="log">A log with cleanup.policy containing compact.</param>
    /// <param name="firstDirtyOffset">The cleaner checkpoint: offsets below it were cleaned before.</param>
    /// <param name="upperBound">First uncleanable offset (active segment base, high watermark, min.compaction.lag.ms),
    /// further limited here to the active segment and high watermark of this moment.</param>
    /// <param name="cancellationToken">Stops between batches (the partial output is deleted).</param>
    /// <exception cref="InvalidOperationException">a single batch has more keys than the map holds.</exception>
    public CleanResult Clean(PartitionLog log, long firstDirtyOffset, long upperBound, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        (LogSegment[] segments, long logStart, long highWatermark) = log.SnapshotForCleaning();
        LogConfig config = log.Config;
        long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        upperBound = Math.Min(upperBound, Math.Min(segments[^1].BaseOffset, highWatermark));
        firstDirtyOffset = Math.Max(firstDirtyOffset, logStart);
        long bytesRead = 0;
        long mapEnd = BuildOffsetMap(segments, firstDirtyOffset, upperBound, ref bytesRead, cancellationToken);
        StepHook?.Invoke("map-built");

        var toClean = new List<LogSegment>();
        for (int i = 0; i < segments.Length - 1 && segments[i].BaseOffset < mapEnd; i++)
        {
            toClean.Add(segments[i]);
        }

        long bytesWritten = 0, recordsRead = 0, recordsRemoved = 0, horizon = -1;
        int groups = 0, cleanedSegments = 0;
        bool aborted = false;
        foreach (List<LogSegment> group in GroupBySize(toClean, config))
        {
            int[] sizes = [.. group.Select(s => s.Size)];
            LogSegment cleaned = LogSegment.CreateWithSuffix(log.Directory, group[0].BaseOffset, config, SwapRecovery.CleanedSuffix);
            bool swapped = false;
            try
            {
                foreach (LogSegment source in group)
                {
                    CleanInto(log, source, cleaned, now, config, ref bytesRead, ref bytesWritten, ref recordsRead, ref recordsRemoved, ref horizon, cancellationToken);

                    // Markers and transactional batches are kept whole, so every abort the source indexed is still
                    // there (and read_committed fetches still need it).
                    cleaned.TxnIndex.AppendAll(source.TxnIndex.Entries);
                }

                cleaned.OnBecomeInactive();
                cleaned.Flush();
                StepHook?.Invoke("cleaned-written");
                swapped = log.ReplaceSegmentsAfterCleaning(group, sizes, cleaned, StepHook);
            }
            finally
            {
                if (!swapped)
                {
                    cleaned.CloseAndDelete();
                }
            }

            if (!swapped)
            {
                aborted = true;
                _logger.CleaningAborted(log.Directory);
                break;
            }

            groups++;
            cleanedSegments += group.Count;
        }

        var result = new CleanResult(aborted ? firstDirtyOffset : mapEnd, bytesRead, bytesWritten, recordsRead, recordsRemoved,
            cleanedSegments, groups, horizon, aborted, watch.ElapsedMilliseconds);
        if (!aborted)
        {
            _logger.Cleaned(log.Directory, mapEnd, bytesRead, bytesWritten, recordsRemoved, recordsRead, cleanedSegments, groups, result.ElapsedMs);
        }

        return result;
    }

    /// <summary>
    /// Maps the latest offset of each key in [from, upperBound); returns the end of what was mapped (a batch boundary
    /// when the map filled up, else <paramref name="upperBound"/> or the end of the last dirty inactive segment).
    /// </summary>
    private long BuildOffsetMap(LogSegment[] segments, long from, long upperBound, ref long bytesRead, CancellationToken cancellationToken)
    {
        _map.Clear();
        long mapEnd = from;
        for (int i = 0; i < segments.Length - 1; i++)
        {
            LogSegment segment = segments[i];
            if (segment.NextOffset <= from)
            {
                continue;
            }

            if (segment.BaseOffset >= upperBound)
            {
                break;
            }

            bool stopped = false;
            long read = ForEachBatch(segment, from, cancellationToken, batch =>
            {
                RecordBatchHeader header = RecordBatchHeader.Read(batch.Span);
                if (header.NextOffset > upperBound)
                {
                    stopped = true;
                    return false;
                }

                if (header.BaseOffset < from)
                {
                    return true;
                }

                if (IsFilterable(header))
                {
                    if (header.RecordsCount > _map.Remaining)
                    {
                        if (mapEnd == from && _map.Count == 0)
                        {
                            throw new InvalidOperationException(
                                $"A batch of {header.RecordsCount} records at offset {header.BaseOffset} does not fit the dedupe map of {_map.Capacity} keys; raise log.cleaner.dedupe.buffer.size.");
                        }

                        stopped = true;
                        return false;
                    }

                    var records = new RecordReader(header.Compression == CompressionType.None ? batch.Span : _compressed.Decompress(batch));
                    while (records.TryReadNext(out RecordView record))
                    {
                        if (!record.KeyIsNull)
                        {
                            _map.Put(record.Key, record.Offset);
                        }
                    }
                }

                mapEnd = header.NextOffset;
                return true;
            });
            bytesRead += read;
            if (stopped)
            {
                return mapEnd;
            }

            // The whole segment is mapped: offsets up to the next segment (gaps included) are dirty no more.
            mapEnd = Math.Max(mapEnd, Math.Min(segments[i + 1].BaseOffset, upperBound));
        }

        return mapEnd;
    }

    private void CleanInto(PartitionLog log, LogSegment source, LogSegment cleaned, long now, LogConfig config,
        ref long bytesRead, ref long bytesWritten, ref long recordsRead, ref long recordsRemoved, ref long horizon, CancellationToken cancellationToken)
    {
        long written = 0, read = 0, removed = 0, examined = 0, earliest = horizon;
        read = ForEachBatch(source, source.BaseOffset, cancellationToken, batch =>
        {
            RecordBatchHeader header = RecordBatchHeader.Read(batch.Span);
            if (!IsFilterable(header))
            {
                _output.Write(batch.Span);
            }
            else
            {
                bool producersLast = header.ProducerId >= 0
                    && log.Producers.TryGetEntry(header.ProducerId, out var entry) && entry.LastOffset == header.LastOffset;
                BatchFilter.Outcome outcome = header.Compression == CompressionType.None
                    ? BatchFilter.Filter(batch.Span, _map, now, config.DeleteRetentionMs, producersLast, _output)
                    : _compressed.Filter(batch, _map, now, config.DeleteRetentionMs, producersLast, _output);
                examined += outcome.RecordsIn;
                removed += outcome.RecordsIn - outcome.RecordsKept;
                if (outcome.DeleteHorizonMs >= 0 && (earliest < 0 || outcome.DeleteHorizonMs < earliest))
                {
                    earliest = outcome.DeleteHorizonMs;
                }
            }

            if (_output.WrittenCount >= _ioBufferBytes)
            {
                written += FlushOutput(cleaned, now, cancellationToken);
            }

            return true;
        });
        written += FlushOutput(cleaned, now, cancellationToken);
        bytesRead += read;
        bytesWritten += written;
        recordsRemoved += removed;
        recordsRead += examined;
        horizon = earliest;
        StepHook?.Invoke("segment-cleaned");
    }

    private int FlushOutput(LogSegment cleaned, long now, CancellationToken cancellationToken)
    {
        int count = _output.WrittenCount;
        if (count > 0)
        {
            cleaned.Append(_output.WrittenSpan, now);
            _output.ResetWrittenCount();
            _throttler.MaybeThrottle(count, cancellationToken);
        }

        return count;
    }

    /// <summary>
    /// Calls <paramref name="visit"/> with each whole batch of <paramref name="segment"/> holding offsets at or after
    /// <paramref name="from"/>, reading io-buffer-sized chunks; stops when it returns false. Returns bytes read.
    /// </summary>
    private long ForEachBatch(LogSegment segment, long from, CancellationToken cancellationToken, BatchVisitor visit)
    {
        long bytes = 0;
        long offset = from;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!segment.TryRead(offset, _ioBufferBytes, long.MaxValue, minOneMessage: true, out ReadOnlyMemory<byte> chunk) || chunk.IsEmpty)
            {
                return bytes;
            }

            bytes += chunk.Length;
            _throttler.MaybeThrottle(chunk.Length, cancellationToken);
            ReadOnlyMemory<byte> data = chunk;
            while (!data.IsEmpty)
            {
                RecordBatchHeader header = RecordBatchHeader.Read(data.Span);
                if (!visit(data[..header.TotalSize]))
                {
                    return bytes;
                }

                offset = header.NextOffset;
                data = data[header.TotalSize..];
            }
        }
    }

    /// <summary>Batches whose records the cleaner reads: a known codec (or none), neither control nor transactional.</summary>
    private static bool IsFilterable(in RecordBatchHeader header) =>
        header.Compression <= CompressionType.Zstd && !header.IsControl && !header.IsTransactional;

    /// <summary>Consecutive segments whose original sizes together fit segment.bytes and whose offsets fit an index
    /// (Kafka's groupSegmentsBySize).</summary>
    private static IEnumerable<List<LogSegment>> GroupBySize(List<LogSegment> segments, LogConfig config)
    {
        int i = 0;
        while (i < segments.Count)
        {
            var group = new List<LogSegment> { segments[i] };
            long size = segments[i].Size;
            i++;
            while (i < segments.Count
                && size + segments[i].Size <= config.SegmentBytes
                && segments[i].NextOffset - 1 - group[0].BaseOffset <= int.MaxValue)
            {
                size += segments[i].Size;
                group.Add(segments[i]);
                i++;
            }

            yield return group;
        }
    }

    private delegate bool BatchVisitor(ReadOnlyMemory<byte> batch);
}
