using Broker.Storage.Log;
using Microsoft.Extensions.Logging;

namespace Broker.Storage.Producers;

public sealed partial class ProducerStateManager
{
    /// <summary>Snapshots kept in the partition directory; older ones are deleted after each write.</summary>
    internal const int SnapshotsToKeep = 2;

    /// <summary>Offsets of the snapshot files present, ascending.</summary>
    internal IReadOnlyList<long> SnapshotOffsets()
    {
        var offsets = new List<long>();
        foreach (string path in Directory.EnumerateFiles(_directory, "*" + LogFileNames.SnapshotSuffix))
        {
            if (LogFileNames.TryParseBaseOffset(Path.GetFileName(path), LogFileNames.SnapshotSuffix, out long offset))
            {
                offsets.Add(offset);
            }
        }

        offsets.Sort();
        return offsets;
    }

    /// <summary>
    /// Writes the current state as <c>&lt;offset&gt;.snapshot</c> (the state after every batch below
    /// <paramref name="offset"/>) through a temp file and a rename, then deletes all but the newest
    /// <see cref="SnapshotsToKeep"/>. With <paramref name="fsync"/> false the file may be torn by a crash; the CRC
    /// then rejects it at load. Caller holds the log lock.
    /// </summary>
    internal void TakeSnapshot(long offset, bool fsync)
    {
        byte[] data;
        lock (_lock)
        {
            data = ProducerSnapshotFile.Serialize(_producers.Values);
        }

        string path = SnapshotPath(offset);
        string tmp = path + ".tmp";
        using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(data);
            if (fsync)
            {
                stream.Flush(flushToDisk: true);
            }
        }

        File.Move(tmp, path, overwrite: true);
        IReadOnlyList<long> offsets = SnapshotOffsets();
        for (int i = 0; i < offsets.Count - SnapshotsToKeep; i++)
        {
            File.Delete(SnapshotPath(offsets[i]));
        }
    }

    /// <summary>fsyncs a snapshot written without it (background, after a roll); a missing file is ignored.</summary>
    internal void FlushSnapshot(long offset)
    {
        try
        {
            using var stream = new FileStream(SnapshotPath(offset), FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            stream.Flush(flushToDisk: true);
        }
        catch (FileNotFoundException)
        {
            // Replaced or pruned meanwhile: nothing to make durable.
        }
    }

    /// <summary>
    /// Replaces the state with the newest intact snapshot at or below <paramref name="maxOffset"/> and returns its
    /// offset, or -1 when there is none (state left empty). Snapshots above <paramref name="maxOffset"/> and
    /// corrupt ones are deleted (logged). The caller then replays batch headers from the returned offset.
    /// </summary>
    internal long LoadLatestSnapshot(long maxOffset)
    {
        Clear();
        IReadOnlyList<long> offsets = SnapshotOffsets();
        var entries = new List<ProducerStateEntry>();
        for (int i = offsets.Count - 1; i >= 0; i--)
        {
            string path = SnapshotPath(offsets[i]);
            if (offsets[i] > maxOffset)
            {
                File.Delete(path);
                continue;
            }

            if (ProducerSnapshotFile.TryParse(File.ReadAllBytes(path), entries))
            {
                lock (_lock)
                {
                    foreach (ProducerStateEntry entry in entries)
                    {
                        _producers[entry.ProducerId] = entry;
                        if (entry.CurrentTxnFirstOffset >= 0)
                        {
                            _ongoing.Add((entry.CurrentTxnFirstOffset, entry.ProducerId));
                        }
                    }
                }

                return offsets[i];
            }

            _logger.CorruptProducerSnapshot(path);
            File.Delete(path);
        }

        return -1;
    }

    /// <summary>Deletes snapshots above <paramref name="offset"/> (the log was truncated there).</summary>
    internal void DeleteSnapshotsAbove(long offset)
    {
        foreach (long snapshot in SnapshotOffsets())
        {
            if (snapshot > offset)
            {
                File.Delete(SnapshotPath(snapshot));
            }
        }
    }

    private string SnapshotPath(long offset) => LogFileNames.SegmentPath(_directory, offset, LogFileNames.SnapshotSuffix);
}
