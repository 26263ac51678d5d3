using Broker.Storage.Cleaner;

namespace Broker.Storage.Log;

public sealed partial class PartitionLog
{
    /// <summary>
    /// Replaces consecutive inactive segments with the cleaner's output, atomically on disk (Kafka's replaceSegments):
    /// 1. a marker <c>&lt;base&gt;.swap-end</c> records the end of the replaced range (fsynced); 2. the cleaned files are
    /// renamed <c>.cleaned → .swap</c>, the log file first: from this rename on, recovery completes the swap; 3. the old
    /// segments are renamed to <c>.deleted</c> (still served to in-flight reads); 4. the new files lose the
    /// <c>.swap</c> suffix; 5. the marker goes. The directory is fsynced before the commit, after it and at the end (Kafka's
    /// flushDir), so the renames themselves survive a power loss. A crash at any point loads either the old segments or the new one,
    /// never both and never neither (see <see cref="SwapRecovery"/>).
    /// Returns false, changing nothing, when the log changed meanwhile (retention, truncation, deletion, failure): the
    /// caller then deletes its cleaned files.
    /// </summary>
    /// <param name="old">The segments that were cleaned, oldest first, as they were in <see cref="Segments"/>.</param>
    /// <param name="oldSizes">Their sizes when cleaning started (a truncation in place changes a size).</param>
    /// <param name="cleaned">The finished, flushed, inactive segment with <c>.cleaned</c> files and the base offset of <paramref name="old"/>[0].</param>
    /// <param name="onStep">Test hook called after each durable step with its name.</param>
    internal bool ReplaceSegmentsAfterCleaning(IReadOnlyList<LogSegment> old, IReadOnlyList<int> oldSizes, LogSegment cleaned, Action<string>? onStep = null)
    {
        lock (_lock)
        {
            if (_disposed || IsOffline)
            {
                return false;
            }

            LogSegment[] segments = _segments;
            int first = Array.IndexOf(segments, old[0]);
            if (first < 0 || first + old.Count >= segments.Length)
            {
                return false; // Gone, or would include the active segment.
            }

            for (int i = 0; i < old.Count; i++)
            {
                if (!ReferenceEquals(segments[first + i], old[i]) || old[i].Size != oldSizes[i])
                {
                    return false;
                }
            }

            long end = segments[first + old.Count].BaseOffset;
            string marker = SwapRecovery.MarkerPath(Directory, cleaned.BaseOffset);
            SwapRecovery.WriteMarker(marker, end);
            onStep?.Invoke("marker-written");
            // The marker and the .cleaned files must exist on disk before the commit names them (a failure here
            // changes nothing: the caller deletes its files).
            DirectorySync.Flush(Directory);
            onStep?.Invoke("dir-synced");
            cleaned.RenameFiles(SwapRecovery.CleanedSuffix, SwapRecovery.SwapSuffix);
            onStep?.Invoke("swap-committed");
            // The commit itself is a rename: durable only once the directory is. Past the commit a failed directory
            // fsync cannot be undone, and the renames are done in the page cache: the swap goes on (only a power loss
            // in the next seconds could bring the old segments back, which recovery loads as a whole).
            DirectorySync.TryFlush(Directory);
            onStep?.Invoke("dir-synced");
            foreach (LogSegment segment in old)
            {
                segment.RenameForDeletion();
                onStep?.Invoke("old-segment-renamed");
            }

            cleaned.RenameFiles(SwapRecovery.SwapSuffix, string.Empty);
            onStep?.Invoke("swap-renamed");
            File.Delete(marker);
            onStep?.Invoke("marker-deleted");
            DirectorySync.TryFlush(Directory);
            onStep?.Invoke("dir-synced");

            LogSegment[] replaced = [.. segments.AsSpan(0, first), cleaned, .. segments.AsSpan(first + old.Count)];
            PublishSegments(replaced);
            ScheduleDeletionOfRenamed(old.ToArray(), Config);
            return true;
        }
    }

    /// <summary>
    /// Inactive segments and the bounds the cleaner needs, read consistently under the lock: the segment list (the
    /// last is active), the log start offset and the high watermark.
    /// </summary>
    internal (LogSegment[] Segments, long LogStartOffset, long HighWatermark) SnapshotForCleaning()
    {
        lock (_lock)
        {
            ThrowIfDisposed();
            return (_segments, _logStartOffset, HighWatermark);
        }
    }
}
