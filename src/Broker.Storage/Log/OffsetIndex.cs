using System.Buffers.Binary;

namespace Broker.Storage.Log;

/// <summary>
/// Sparse offset index of one segment (<c>.index</c>): 8-byte big-endian entries (offset relative to the segment's
/// base offset int32, file position int32), both strictly increasing. An entry maps the last offset of a batch to the
/// batch's position. Entries are kept in memory and written through to the file.
/// Thread-safety: one writer (the partition's append lock) and any number of lock-free readers; an entry is
/// published by a volatile count store after it is written.
/// </summary>
internal sealed class OffsetIndex : IDisposable
{
    public const int EntrySize = 8;

    private readonly IndexFile _file;
    private readonly int _maxEntries;
    private Entry[] _entries;
    private int _count;

    private OffsetIndex(IndexFile file, long baseOffset, int maxEntries, Entry[] entries, int count)
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
    /// Opens the index, keeping the longest sane prefix of existing entries (increasing, pointing inside
    /// <paramref name="logSize"/>); a zero-filled preallocated tail ends the prefix since no entry has position 0.
    /// </summary>
    public static OffsetIndex Open(string path, long baseOffset, int maxIndexBytes, int logSize)
    {
        IndexFile file = IndexFile.Open(path, out byte[] content);
        int maxEntries = Math.Max(1, maxIndexBytes / EntrySize);
        int count = 0;
        int lastRelative = -1;
        int lastPosition = 0;
        for (int at = 0; at + EntrySize <= content.Length && count < maxEntries; at += EntrySize)
        {
            int relative = BinaryPrimitives.ReadInt32BigEndian(content.AsSpan(at));
            int position = BinaryPrimitives.ReadInt32BigEndian(content.AsSpan(at + 4));
            if (relative <= lastRelative || position <= lastPosition || position >= logSize)
            {
                break;
            }

            lastRelative = relative;
            lastPosition = position;
            count++;
        }

        var entries = new Entry[Math.Min(maxEntries, Math.Max(16, count * 2))];
        for (int i = 0; i < count; i++)
        {
            entries[i] = new Entry(
                BinaryPrimitives.ReadInt32BigEndian(content.AsSpan(i * EntrySize)),
                BinaryPrimitives.ReadInt32BigEndian(content.AsSpan((i * EntrySize) + 4)));
        }

        return new OffsetIndex(file, baseOffset, maxEntries, entries, count);
    }

    /// <summary>Position and absolute offset of the last entry, if any.</summary>
    public bool TryGetLast(out long offset, out int position)
    {
        int count = Count;
        if (count == 0)
        {
            offset = BaseOffset;
            position = 0;
            return false;
        }

        Entry last = Volatile.Read(ref _entries)[count - 1];
        offset = BaseOffset + last.RelativeOffset;
        position = last.Position;
        return true;
    }

    /// <summary>
    /// The entry with the largest offset &lt;= <paramref name="targetOffset"/>; (BaseOffset, 0) when there is none.
    /// </summary>
    public (long Offset, int Position) Lookup(long targetOffset)
    {
        int count = Count;
        Entry[] entries = Volatile.Read(ref _entries);
        long relative = targetOffset - BaseOffset;
        int lo = 0;
        int hi = count - 1;
        int found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (entries[mid].RelativeOffset <= relative)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found < 0 ? (BaseOffset, 0) : (BaseOffset + entries[found].RelativeOffset, entries[found].Position);
    }

    /// <summary>Adds an entry; callers guarantee increasing values and check <see cref="IsFull"/> first.</summary>
    public void Append(long offset, int position)
    {
        int count = _count;
        var entry = new Entry(checked((int)(offset - BaseOffset)), position);
        Span<byte> bytes = stackalloc byte[EntrySize];
        BinaryPrimitives.WriteInt32BigEndian(bytes, entry.RelativeOffset);
        BinaryPrimitives.WriteInt32BigEndian(bytes[4..], entry.Position);
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

    /// <summary>Removes every entry whose position is &gt;= <paramref name="position"/>.</summary>
    public void TruncateToPosition(int position)
    {
        int keep = _count;
        while (keep > 0 && _entries[keep - 1].Position >= position)
        {
            keep--;
        }

        if (keep < _count)
        {
            TruncateTo(BaseOffset + _entries[keep].RelativeOffset);
        }
    }

    /// <summary>Extends the file to its maximum (sparse) so appends never grow it; done while the segment is active.</summary>
    public void Preallocate() => _file.SetLength((long)_maxEntries * EntrySize);

    /// <summary>Shrinks the file to exactly its entries; done on roll and close.</summary>
    public void TrimToValidSize() => _file.SetLength((long)Count * EntrySize);

    public void Flush() => _file.Flush();

    public void Rename(string newPath) => _file.Rename(newPath);

    public void DeleteFile() => _file.Delete();

    public void Dispose() => _file.Dispose();

    private readonly record struct Entry(int RelativeOffset, int Position);
}
