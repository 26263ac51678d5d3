using System.Security.Cryptography;

namespace Broker.Storage.Cleaner;

/// <summary>
/// Bounded key → latest offset map of one cleaning pass (Kafka's SkimpyOffsetMap): keys are stored only as their
/// 16-byte MD5 hash next to an 8-byte offset, in one preallocated array probed linearly, so memory is exactly
/// <c>slots × 24</c> bytes whatever the key sizes. A hash collision (2^-128) would make the cleaner drop the older of
/// two distinct keys, the same trade-off Kafka makes. Not thread-safe: one map per cleaner thread.
/// </summary>
public sealed class OffsetMap
{
    private const int EntryBytes = 24;
    private readonly byte[] _entries;
    private readonly int _slots;
    private int _count;

    /// <param name="memoryBytes">Memory for entries (log.cleaner.dedupe.buffer.size per thread), at least one entry.</param>
    /// <param name="loadFactor">Share of slots that may be used (log.cleaner.io.buffer.load.factor).</param>
    public OffsetMap(long memoryBytes, double loadFactor)
    {
        _slots = (int)Math.Clamp(memoryBytes / EntryBytes, 2, (Array.MaxLength / EntryBytes) - 1);
        _entries = new byte[(long)_slots * EntryBytes];
        Capacity = Math.Max(1, (int)(_slots * Math.Clamp(loadFactor, 0.01, 1.0)));
        if (Capacity >= _slots)
        {
            Capacity = _slots - 1;
        }
    }

    /// <summary>Entries the map accepts before <see cref="IsFull"/>.</summary>
    public int Capacity { get; }

    /// <summary>Distinct key hashes stored.</summary>
    public int Count => _count;

    /// <summary>True when no more distinct keys may be added.</summary>
    public bool IsFull => _count >= Capacity;

    /// <summary>Free entries left.</summary>
    public int Remaining => Capacity - _count;

    /// <summary>Empties the map for the next pass.</summary>
    public void Clear()
    {
        Array.Clear(_entries);
        _count = 0;
    }

    /// <summary>Records <paramref name="offset"/> as the latest of <paramref name="key"/>; the caller checks
    /// <see cref="IsFull"/> first for new keys.</summary>
    /// <exception cref="InvalidOperationException">a new key while the map is full.</exception>
    public void Put(ReadOnlySpan<byte> key, long offset)
    {
        Span<byte> hash = stackalloc byte[16];
        MD5.HashData(key, hash);
        int slot = Find(hash, out bool found);
        Span<byte> entry = _entries.AsSpan(slot * EntryBytes, EntryBytes);
        if (!found)
        {
            if (IsFull)
            {
                throw new InvalidOperationException("The offset map is full.");
            }

            hash.CopyTo(entry);
            _count++;
        }

        // Offsets are stored +1 so an all-zero entry means "empty".
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(entry[16..], offset + 1);
    }

    /// <summary>The latest offset recorded for <paramref name="key"/>, or -1.</summary>
    public long Get(ReadOnlySpan<byte> key)
    {
        Span<byte> hash = stackalloc byte[16];
        MD5.HashData(key, hash);
        int slot = Find(hash, out bool found);
        return found ? System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(_entries.AsSpan((slot * EntryBytes) + 16, 8)) - 1 : -1;
    }

    /// <summary>Slot holding <paramref name="hash"/>, or the empty slot where it would go.</summary>
    private int Find(ReadOnlySpan<byte> hash, out bool found)
    {
        int slot = (int)(System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(hash) % (uint)_slots);
        while (true)
        {
            Span<byte> entry = _entries.AsSpan(slot * EntryBytes, EntryBytes);
            if (System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(entry[16..]) == 0)
            {
                found = false;
                return slot;
            }

            if (entry[..16].SequenceEqual(hash))
            {
                found = true;
                return slot;
            }

            slot = slot + 1 == _slots ? 0 : slot + 1;
        }
    }
}
