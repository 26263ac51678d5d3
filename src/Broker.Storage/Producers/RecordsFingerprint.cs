using System.Buffers.Binary;
using Broker.Protocol.Records;

namespace Broker.Storage.Producers;

/// <summary>
/// The CRC-32C of a batch's records section (the bytes after the 61-byte header), derived from the header alone.
/// Why not the header CRC: kafkajs re-encodes a batch on every retry and, when the application set no timestamps,
/// stamps it with a new baseTimestamp/maxTimestamp, so a true retry has other header bytes (and CRC) but the same
/// records; and a leader stamping LogAppendTime rewrites those fields too. The records section is what must match.
/// Derivation (CRC linearity): crc(A‖B) = Z_|B|(crc(A)) ⊕ crc(B), where A is the CRC-covered header part (attributes
/// through recordsCount, 40 bytes), B the records and Z_n the register advanced over n zero bytes; so
/// crc(B) = header.Crc ⊕ Z_|B|(crc(A)), computed with precomputed 32×32 GF(2) matrix powers in O(log n). Thread-safe.
/// </summary>
internal static class RecordsFingerprint
{
    private const uint Polynomial = 0x82F63B78u;
    private const int CoveredHeaderBytes = RecordBatchHeader.Size - 21;

    /// <summary>ZeroBytePowers[k] advances the raw register over 2^k zero bytes (column i = image of bit i).</summary>
    private static readonly uint[][] ZeroBytePowers = BuildZeroBytePowers();

    /// <summary>CRC-32C of the records of the batch described by <paramref name="header"/> (valid when its CRC is).</summary>
    public static uint Of(in RecordBatchHeader header)
    {
        Span<byte> covered = stackalloc byte[CoveredHeaderBytes];
        BinaryPrimitives.WriteInt16BigEndian(covered, header.Attributes);
        BinaryPrimitives.WriteInt32BigEndian(covered[2..], header.LastOffsetDelta);
        BinaryPrimitives.WriteInt64BigEndian(covered[6..], header.BaseTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(covered[14..], header.MaxTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(covered[22..], header.ProducerId);
        BinaryPrimitives.WriteInt16BigEndian(covered[30..], header.ProducerEpoch);
        BinaryPrimitives.WriteInt32BigEndian(covered[32..], header.BaseSequence);
        BinaryPrimitives.WriteInt32BigEndian(covered[36..], header.RecordsCount);
        uint headerCrc = Crc32C.Compute(covered);
        long recordsBytes = (long)header.TotalSize - RecordBatchHeader.Size;
        return header.Crc ^ AdvanceOverZeros(headerCrc, recordsBytes);
    }

    /// <summary>The raw register <paramref name="state"/> after <paramref name="count"/> zero bytes; allocation-free.</summary>
    private static uint AdvanceOverZeros(uint state, long count)
    {
        for (int k = 0; count != 0; k++, count >>= 1)
        {
            if ((count & 1) != 0)
            {
                state = Apply(ZeroBytePowers[k], state);
            }
        }

        return state;
    }

    private static uint[][] BuildZeroBytePowers()
    {
        var oneByte = new uint[32];
        for (int bit = 0; bit < 32; bit++)
        {
            uint state = 1u << bit;
            for (int k = 0; k < 8; k++)
            {
                state = (state & 1) != 0 ? (state >> 1) ^ Polynomial : state >> 1;
            }

            oneByte[bit] = state;
        }

        var powers = new uint[63][];
        powers[0] = oneByte;
        for (int k = 1; k < powers.Length; k++)
        {
            powers[k] = Multiply(powers[k - 1], powers[k - 1]);
        }

        return powers;
    }

    private static uint Apply(uint[] matrix, uint vector)
    {
        uint result = 0;
        for (int bit = 0; vector != 0; bit++, vector >>= 1)
        {
            if ((vector & 1) != 0)
            {
                result ^= matrix[bit];
            }
        }

        return result;
    }

    private static uint[] Multiply(uint[] left, uint[] right)
    {
        var product = new uint[32];
        for (int bit = 0; bit < 32; bit++)
        {
            product[bit] = Apply(left, right[bit]);
        }

        return product;
    }
}
