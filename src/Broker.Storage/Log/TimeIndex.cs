using System.Buffers.Binary;

namespace Broker.Storage.Log;

/// <summary>
/// Time index of one segment (<c>.timeindex</c>): 12-byte big-endian entries (timestamp int64, offset relative to
/// the segment's base int32), timestamps strictly increasing. Invariant: for an entry (T, O), T is the largest batch
/// max-timestamp among the segment's batches whose last offset is &lt;= O.
/// Thread-safety: as <see cref="OffsetIndex"/>, one writer and lock-free readers.
/// </summary>
internal sealed class TimeIndex : IDisposable
{
    public const int EntrySize = 12;

    private readonly IndexFile _file;
    private readonly int _maxEntries;
    private Entry[] _entries;
    private int _count;

    private TimeIndex(IndexFile file, long baseOffset, int maxEntries, Entry[] entries, int count)
    {
        _file = file;
        BaseOffset = baseOffset;
        _maxEntries = maxEntries;
        _entries = entries;
        _count = count;
    }

    public long BaseOffset { get; }

    public int Count => Volatile.Read(ref _count);

    public bool IsFull => Count >= _maxEntries;

    public string FilePath => _file.FilePath;

    /// <summary>
    /// Opens the index, keeping the longest prefix with increasing timestamps and non-decreasing offsets. An
    /// all-zero entry (the preallocated tail) ends the prefix.
    /// </summary>
    public static TimeIndex Open(string path, long baseOffset, int maxIndexBytes)
    {
        IndexFile file = IndexFile.Open(path, out byte[] content);
        int maxEntries = Math.Max(1, maxIndexBytes / EntrySize);
        int count = 0;
        long lastTimestamp = long.MinValue;
        int lastRelative = 0;
        for (int at = 0; at + EntrySize <= content.Length && count < maxEntries; at += EntrySize)
        {
            long timestamp = BinaryPrimitives.ReadInt64BigEndian(content.AsSpan(at));
            int relative = BinaryPrimitives.ReadInt32BigEndian(content.AsSpan(at + 8));
            if ((timestamp == 0 && relative == 0) || timestamp <= lastTimestamp || relative < lastRelative)
            {
                break;
            }

            lastTimestamp = timestamp;
            lastRelative = relative;
            count++;
        }

        var entries = new Entry[Math.Min(maxEntries, Math.Max(16, count * 2))];
        for (int i = 0; i < count; i++)
        {
            entries[i] = new Entry(
                BinaryPrimitives.ReadInt64BigEndian(content.AsSpan(i * EntrySize)),
                BinaryPrimitives.ReadInt32BigEndian(content.AsSpan((i * EntrySize) + 8)));
        }

        return new TimeIndex(file, baseOffset, maxEntries, entries, count);
    }

    /// <summary>The last entry as (timestamp, absolute offset), if any.</summary>
    public bool TryGetLast(out long timestamp, out long offset)
    {
        int count = Count;
        if (count == 0)
        {
            timestamp = -1;
            offset = -1;
            return false;
        }

        Entry last = Volatile.Read(ref _entries)[count - 1];
        timestamp = last.Timestamp;
        offset = BaseOffset + last.RelativeOffset;
        return true;
    }

    /// <summary>
    /// The offset of the last entry whose timestamp is strictly below <paramref name="timestamp"/>: every batch up to
    /// that offset is older than the target, so a scan may start there. -1 when there is no such entry.
    /// </summary>
    public long LookupBefore(long timestamp)
    {
        int count = Count;
        Entry[] entries = Volatile.Read(ref _entries);
        int lo = 0;
        int hi = count - 1;
        int found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (entries[mid].Timestamp < timestamp)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found < 0 ? -1 : BaseOffset + entries[found].RelativeOffset;
    }

    /// <summary>Adds (timestamp, offset) when the timestamp is larger than the last entry's; returns whether it did.</summary>
    public bool MaybeAppend(long timestamp, long offset)
    {
        int count = _count;
        if (count >= _maxEntries || (count > 0 && timestamp <= _entries[count - 1].Timestamp))
        {
            return false;
        }

        var entry = new Entry(timestamp, checked((int)(offset - BaseOffset)));
        Span<byte> bytes = stackalloc byte[EntrySize];
        BinaryPrimitives.WriteInt64BigEndian(bytes, entry.Timestamp);
        BinaryPrimitives.WriteInt32BigEndian(bytes[8..], entry.RelativeOffset);
        _file.Write((long)count * EntrySize, bytes);

        Entry[] entries = _entries;
        if (count == entries.Length)
        {
            var grown = new Entry[Math.Min(_maxEntries, entries.Length * 2)];
            entries.AsSpan().CopyTo(grown);
            entries = grown;
            Volatile.Write(ref _entries, grown);
        }

        entries[count] = entry;
        Volatile.Write(ref _count, count + 1);
        return true;
    }

    /// <summary>Removes entries whose offset is &gt;= <paramref name="offset"/> and zeroes them on disk.</summary>
    public void TruncateTo(long offset)
    {
        int count = _count;
        int keep = count;
        while (keep > 0 && BaseOffset + _entries[keep - 1].RelativeOffset >= offset)
        {
            keep--;
        }

        if (keep < count)
        {
            Volatile.Write(ref _count, keep);
            _file.Write((long)keep * EntrySize, new byte[(count - keep) * EntrySize]);
        }
    }

    public void Preallocate() => _file.SetLength((long)_maxEntries * EntrySize);

    public void TrimToValidSize() => _file.SetLength((long)Count * EntrySize);

    public void Flush() => _file.Flush();

    public void Rename(string newPath) => _file.Rename(newPath);

    public void DeleteFile() => _file.Delete();

    public void Dispose() => _file.Dispose();

    private readonly record struct Entry(long Timestamp, int RelativeOffset);
}
