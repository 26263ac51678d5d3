using System.Buffers;

namespace Broker.Protocol.Tests.TestSupport;

/// <summary>Helpers to build and show byte vectors in tests.</summary>
internal static class Bytes
{
    /// <summary>Parses "00 0a ff" (whitespace ignored) into bytes.</summary>
    public static byte[] Hex(string hex) => Convert.FromHexString(string.Concat(hex.Where(c => !char.IsWhiteSpace(c))));

    public static string ToHex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    public delegate void WriteAction(ref KafkaWriter writer);

    public static byte[] Write(WriteAction action)
    {
        using var buffer = new PooledBufferWriter();
        var writer = new KafkaWriter(buffer);
        action(ref writer);
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Write(IKafkaMessage message, short version)
    {
        using var buffer = new PooledBufferWriter();
        var writer = new KafkaWriter(buffer);
        message.Write(ref writer, version);
        Assert.That(writer.BytesWritten, Is.EqualTo(buffer.WrittenCount));
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Builds a sequence whose segments have the given lengths (the last takes the rest).</summary>
    public static ReadOnlySequence<byte> Segmented(byte[] data, params int[] cuts)
    {
        var pieces = new List<byte[]>();
        var start = 0;
        foreach (var cut in cuts.Where(c => c > 0 && c < data.Length).Distinct().Order())
        {
            pieces.Add(data[start..cut]);
            start = cut;
        }

        pieces.Add(data[start..]);
        var first = new Segment(pieces[0], 0);
        var last = first;
        foreach (var piece in pieces.Skip(1))
        {
            last = last.Append(piece);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
