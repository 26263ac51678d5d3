using System.Buffers.Binary;

namespace Broker.Fuzz.Seeds;

/// <summary>
/// Seeded mutations of size-prefixed request frames: bit flips, interesting bytes and integers (counts of 2^31-1,
/// negative lengths), overlong and overflowing varints, truncation, splicing two seeds, chunk deletion and duplication,
/// another api key or version in the header, and a rewritten size prefix. Most results get their size prefix patched to
/// their real length, so the broker parses the mutated body instead of only the framing. The same seed gives the same
/// frames, so a failure is replayed by running again with the printed seed. Not thread-safe (one per worker).
/// </summary>
public sealed class Mutator(SeedCorpus corpus, int seed)
{
    private static readonly int[] InterestingInts = [0, 1, -1, 2, 127, 128, 255, 256, 32767, -32768, 65535, int.MaxValue, int.MinValue, 0x40000000, 100_000_000];
    private static readonly byte[] InterestingBytes = [0x00, 0x01, 0x7F, 0x80, 0xFF, 0xFE];
    private readonly Random _random = new(seed);

    public byte[] Next()
    {
        var frames = corpus.Frames;
        byte[] frame = [.. frames[_random.Next(frames.Count)]];
        int rounds = 1 + (_random.Next(4) == 0 ? _random.Next(4) : 0);
        for (int i = 0; i < rounds; i++) frame = MutateOnce(frame);
        if (frame.Length >= 4 && _random.Next(10) < 8) BinaryPrimitives.WriteInt32BigEndian(frame, frame.Length - 4);
        return frame;
    }

    private byte[] MutateOnce(byte[] f)
    {
        // Offsets past the size prefix, where the header and body live.
        int Body() => f.Length <= 4 ? 0 : 4 + _random.Next(f.Length - 4);
        switch (_random.Next(11))
        {
            case 0: // bit flips
                for (int n = 1 + _random.Next(8); n > 0 && f.Length > 4; n--) f[Body()] ^= (byte)(1 << _random.Next(8));
                return f;
            case 1: // an interesting byte
                if (f.Length > 4) f[Body()] = InterestingBytes[_random.Next(InterestingBytes.Length)];
                return f;
            case 2: // an interesting int32 (array counts, lengths, sizes)
                return Overwrite(f, Body(), 4, InterestingInts[_random.Next(InterestingInts.Length)]);
            case 3: // an interesting int16 (string lengths, api versions)
                return Overwrite(f, Body(), 2, InterestingInts[_random.Next(InterestingInts.Length)]);
            case 4: // a varint that overflows (5+ continuation bytes) or an overlong encoding of a small value
                return Insert(f, Body(), _random.Next(2) == 0 ? [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01] : [0x80, 0x80, 0x80, 0x00], replace: _random.Next(2) == 0);
            case 5: // truncation
                return f.Length <= 4 ? f : f[..Body()];
            case 6: // splice: the head of this frame, the tail of another
            {
                var other = corpus.Frames[_random.Next(corpus.Frames.Count)];
                int cut = Body(), from = Math.Min(other.Length, 4 + _random.Next(Math.Max(1, other.Length - 4)));
                return [.. f.AsSpan(0, Math.Min(cut, f.Length)), .. other.AsSpan(from)];
            }
            case 7: // delete a chunk
            {
                if (f.Length <= 5) return f;
                int at = Body(), len = Math.Min(f.Length - at, 1 + _random.Next(16));
                return [.. f.AsSpan(0, at), .. f.AsSpan(at + len)];
            }
            case 8: // duplicate a chunk
            {
                if (f.Length <= 5) return f;
                int at = Body(), len = Math.Min(f.Length - at, 1 + _random.Next(64));
                return Insert(f, at, f.AsSpan(at, len).ToArray(), replace: false);
            }
            case 9: // another api key and/or version: the body is decoded as some other request
                if (f.Length >= 8)
                {
                    if (_random.Next(2) == 0) BinaryPrimitives.WriteInt16BigEndian(f.AsSpan(4), (short)_random.Next(-1, 70));
                    else BinaryPrimitives.WriteInt16BigEndian(f.AsSpan(6), (short)_random.Next(-1, 16));
                }

                return f;
            default: // a size prefix that lies (negative, huge, shorter or longer than the frame)
                if (f.Length >= 4)
                {
                    int[] sizes = [-1, int.MinValue, int.MaxValue, 0, 1, f.Length - 4 - 1, f.Length - 4 + 1, 200 << 20];
                    BinaryPrimitives.WriteInt32BigEndian(f, sizes[_random.Next(sizes.Length)]);
                }

                return f;
        }
    }

    private static byte[] Overwrite(byte[] f, int at, int width, int value)
    {
        if (at + width > f.Length) return f;
        if (width == 4) BinaryPrimitives.WriteInt32BigEndian(f.AsSpan(at), value);
        else BinaryPrimitives.WriteInt16BigEndian(f.AsSpan(at), (short)value);
        return f;
    }

    private static byte[] Insert(byte[] f, int at, ReadOnlySpan<byte> bytes, bool replace)
    {
        if (at > f.Length) at = f.Length;
        int skip = replace ? Math.Min(bytes.Length, f.Length - at) : 0;
        return [.. f.AsSpan(0, at), .. bytes, .. f.AsSpan(at + skip)];
    }
}
