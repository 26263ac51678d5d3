using System.Buffers.Binary;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Broker.Protocol.Records;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of magic-2 record batches.
/// Uses the SSE4.2 / ARMv8 CRC instructions when the CPU has them and a slicing-by-8 table otherwise;
/// both paths give identical results. Stateless and thread-safe.
/// </summary>
public static class Crc32C
{
    private const uint Polynomial = 0x82F63B78u;

    // 8 tables of 256 entries: table k maps a byte to its CRC contribution k bytes further on.
    private static readonly uint[] s_table = BuildTable();

    /// <summary>CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>
    /// Continues a CRC: <c>Append(Compute(a), b) == Compute(a ++ b)</c>.
    /// </summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        uint state = ~crc;
        if (Sse42.X64.IsSupported)
        {
            state = AppendSse42X64(state, data);
        }
        else if (Crc32.Arm64.IsSupported)
        {
            state = AppendArm64(state, data);
        }
        else
        {
            state = AppendTable(state, data);
        }

        return ~state;
    }

    /// <summary>
    /// The portable table-driven implementation, regardless of CPU support. Exposed so tests can check that both paths
    /// agree; production callers use <see cref="Append"/>.
    /// </summary>
    public static uint AppendPortable(uint crc, ReadOnlySpan<byte> data) => ~AppendTable(~crc, data);

    private static uint AppendSse42X64(uint state, ReadOnlySpan<byte> data)
    {
        ulong wide = state;
        while (data.Length >= 8)
        {
            wide = Sse42.X64.Crc32(wide, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        state = (uint)wide;
        foreach (byte b in data)
        {
            state = Sse42.Crc32(state, b);
        }

        return state;
    }

    private static uint AppendArm64(uint state, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 8)
        {
            state = Crc32.Arm64.ComputeCrc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (byte b in data)
        {
            state = Crc32.ComputeCrc32C(state, b);
        }

        return state;
    }

    private static uint AppendTable(uint state, ReadOnlySpan<byte> data)
    {
        uint[] t = s_table;
        while (data.Length >= 8)
        {
            uint lo = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ state;
            uint hi = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            state = t[(7 * 256) + (lo & 0xFF)] ^ t[(6 * 256) + ((lo >> 8) & 0xFF)]
                  ^ t[(5 * 256) + ((lo >> 16) & 0xFF)] ^ t[(4 * 256) + (lo >> 24)]
                  ^ t[(3 * 256) + (hi & 0xFF)] ^ t[(2 * 256) + ((hi >> 8) & 0xFF)]
                  ^ t[256 + ((hi >> 16) & 0xFF)] ^ t[hi >> 24];
            data = data[8..];
        }

        foreach (byte b in data)
        {
            state = t[(state ^ b) & 0xFF] ^ (state >> 8);
        }

        return state;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[8 * 256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? (c >> 1) ^ Polynomial : c >> 1;
            }

            table[i] = c;
        }

        for (int slice = 1; slice < 8; slice++)
        {
            for (int i = 0; i < 256; i++)
            {
                uint prev = table[((slice - 1) * 256) + i];
                table[(slice * 256) + i] = (prev >> 8) ^ table[prev & 0xFF];
            }
        }

        return table;
    }
}
