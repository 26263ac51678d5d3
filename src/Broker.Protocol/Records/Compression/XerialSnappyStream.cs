using System.Buffers;
using System.Buffers.Binary;
using Snappier;

namespace Broker.Protocol.Records.Compression;

/// <summary>
/// Decompresses Kafka's snappy payloads: the xerial snappy-java framing (8-byte magic <c>82 'SNAPPY' 00</c>, version
/// and compatible-version ints, then blocks each prefixed by a big-endian int32 length) written by the Java client
/// and librdkafka, or, when the magic is absent, one plain snappy block (what xerial's reader falls back to). Each
/// block's declared decompressed length is checked against the remaining budget before any memory is taken, and blocks
/// are decoded one at a time into one pooled buffer. Read-only, not thread-safe; dispose to return the buffer.
/// </summary>
internal sealed class XerialSnappyStream : Stream
{
    private static ReadOnlySpan<byte> Magic => [0x82, (byte)'S', (byte)'N', (byte)'A', (byte)'P', (byte)'P', (byte)'Y', 0];

    private const int HeaderSize = 16;

    private readonly ReadOnlyMemory<byte> _payload;
    private readonly bool _framed;
    private long _budget;
    private int _next;
    private byte[]? _block;
    private int _blockStart;
    private int _blockEnd;

    /// <param name="payload">The batch's bytes after its header.</param>
    /// <param name="maxDecompressedBytes">Total decompressed bytes allowed; a block beyond it throws
    /// <see cref="DecompressedSizeExceededException"/>.</param>
    public XerialSnappyStream(ReadOnlyMemory<byte> payload, long maxDecompressedBytes)
    {
        _payload = payload;
        _budget = maxDecompressedBytes;
        _framed = payload.Length >= HeaderSize && payload.Span[..Magic.Length].SequenceEqual(Magic);
        _next = _framed ? HeaderSize : 0;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (_blockStart == _blockEnd)
        {
            if (!NextBlock())
            {
                return 0;
            }
        }

        int n = Math.Min(buffer.Length, _blockEnd - _blockStart);
        _block.AsSpan(_blockStart, n).CopyTo(buffer);
        _blockStart += n;
        return n;
    }

    private bool NextBlock()
    {
        ReadOnlySpan<byte> rest = _payload.Span[_next..];
        if (rest.IsEmpty)
        {
            return false;
        }

        ReadOnlySpan<byte> compressed;
        if (_framed)
        {
            if (rest.Length < 4)
            {
                throw new InvalidDataException("truncated snappy block length");
            }

            int length = BinaryPrimitives.ReadInt32BigEndian(rest);
            if (length < 0 || length > rest.Length - 4)
            {
                throw new InvalidDataException($"snappy block length {length} exceeds the payload");
            }

            compressed = rest.Slice(4, length);
            _next += 4 + length;
        }
        else
        {
            compressed = rest;
            _next = _payload.Length;
        }

        int declared = Snappy.GetUncompressedLength(compressed);
        if (declared > _budget)
        {
            throw new DecompressedSizeExceededException(declared, _budget);
        }

        _budget -= declared;
        if (_block is null || _block.Length < declared)
        {
            ReturnBlock();
            _block = ArrayPool<byte>.Shared.Rent(Math.Max(declared, 1));
        }

        _blockStart = 0;
        _blockEnd = Snappy.Decompress(compressed, _block);
        return true;
    }

    private void ReturnBlock()
    {
        if (_block is { } block)
        {
            _block = null;
            ArrayPool<byte>.Shared.Return(block);
        }
    }

    protected override void Dispose(bool disposing)
    {
        ReturnBlock();
        base.Dispose(disposing);
    }

    public override void Flush() => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
