using System.Buffers.Binary;

namespace Broker.Storage.Log;

/// <summary>
/// A segment's aborted-transaction index (Kafka's TransactionIndex, file <c>&lt;base&gt;.txnindex</c>): one entry per
/// abort marker in the segment, in marker order, each 34 bytes big-endian: version int16 (0) | producerId int64 |
/// firstOffset int64 | lastOffset int64 | lastStableOffset int64. The file exists only once an abort was indexed.
/// Entries are also kept in memory (aborts are rare); a short tail (torn write) is ignored at load.
/// Thread-safety: mutations are serialised by the owning log's lock; <see cref="Collect"/> may run concurrently.
/// </summary>
internal sealed class TransactionIndex
{
    /// <summary>Bytes per entry, as Kafka's AbortedTxn.TotalSize.</summary>
    public const int EntrySize = 34;

    private const short EntryVersion = 0;

    private readonly object _lock = new();
    private readonly List<AbortedTransaction> _entries = [];

    public TransactionIndex(string path)
    {
        FilePath = path;
        if (File.Exists(path))
        {
            byte[] data = File.ReadAllBytes(path);
            for (int at = 0; at + EntrySize <= data.Length; at += EntrySize)
            {
                _entries.Add(Decode(data.AsSpan(at, EntrySize)));
            }
        }
    }

    public string FilePath { get; private set; }

    /// <summary>The entries, oldest first (a copy).</summary>
    public IReadOnlyList<AbortedTransaction> Entries
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries];
            }
        }
    }

    /// <summary>
    /// Adds an entry unless one for the same marker (last offset) is there: markers replayed by a producer-state
    /// rebuild after a restart are indexed once.
    /// </summary>
    public void Append(in AbortedTransaction entry)
    {
        lock (_lock)
        {
            foreach (AbortedTransaction existing in _entries)
            {
                if (existing.LastOffset == entry.LastOffset)
                {
                    return;
                }
            }

            byte[] bytes = new byte[EntrySize];
            Encode(entry, bytes);
            using (var stream = new FileStream(FilePath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
            {
                stream.Write(bytes);
            }

            _entries.Add(entry);
        }
    }

    /// <summary>Adds every entry of <paramref name="entries"/> (the cleaner carries a source segment's aborts into its output).</summary>
    public void AppendAll(IEnumerable<AbortedTransaction> entries)
    {
        foreach (AbortedTransaction entry in entries)
        {
            Append(entry);
        }
    }

    /// <summary>Adds the entries whose transaction overlaps [<paramref name="from"/>, <paramref name="upTo"/>) to <paramref name="into"/>.</summary>
    public void Collect(long from, long upTo, List<AbortedTransaction> into)
    {
        lock (_lock)
        {
            foreach (AbortedTransaction entry in _entries)
            {
                if (entry.LastOffset >= from && entry.FirstOffset < upTo)
                {
                    into.Add(entry);
                }
            }
        }
    }

    /// <summary>Removes the entries whose marker is at or after <paramref name="offset"/> (truncation), rewriting the file.</summary>
    public void TruncateTo(long offset)
    {
        lock (_lock)
        {
            int kept = _entries.FindIndex(e => e.LastOffset >= offset);
            if (kept < 0)
            {
                return;
            }

            _entries.RemoveRange(kept, _entries.Count - kept);
            if (File.Exists(FilePath))
            {
                using var stream = new FileStream(FilePath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
                stream.SetLength((long)kept * EntrySize);
            }
        }
    }

    /// <summary>Renames the file (when there is one).</summary>
    public void Rename(string path)
    {
        lock (_lock)
        {
            if (File.Exists(FilePath))
            {
                File.Move(FilePath, path, overwrite: true);
            }

            FilePath = path;
        }
    }

    public void Flush()
    {
        lock (_lock)
        {
            if (File.Exists(FilePath))
            {
                using var stream = new FileStream(FilePath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
                stream.Flush(flushToDisk: true);
            }
        }
    }

    public void DeleteFile() => File.Delete(FilePath);

    internal static void Encode(in AbortedTransaction entry, Span<byte> destination)
    {
        BinaryPrimitives.WriteInt16BigEndian(destination, EntryVersion);
        BinaryPrimitives.WriteInt64BigEndian(destination[2..], entry.ProducerId);
        BinaryPrimitives.WriteInt64BigEndian(destination[10..], entry.FirstOffset);
        BinaryPrimitives.WriteInt64BigEndian(destination[18..], entry.LastOffset);
        BinaryPrimitives.WriteInt64BigEndian(destination[26..], entry.LastStableOffset);
    }

    private static AbortedTransaction Decode(ReadOnlySpan<byte> source) => new(
        BinaryPrimitives.ReadInt64BigEndian(source[2..]),
        BinaryPrimitives.ReadInt64BigEndian(source[10..]),
        BinaryPrimitives.ReadInt64BigEndian(source[18..]),
        BinaryPrimitives.ReadInt64BigEndian(source[26..]));
}
