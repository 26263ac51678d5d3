using System.Buffers;
using Broker.Protocol;

namespace Broker.Protocol.Tests.Primitives;

public sealed class PooledRecordSetTests
{
    [Test]
    public void WriteTo_WritesOnlyTheRecordBytes()
    {
        byte[] rented = ArrayPool<byte>.Shared.Rent(64);
        rented.AsSpan().Fill(0xee);
        new byte[] { 1, 2, 3 }.CopyTo(rented, 0);
        using var records = new PooledRecordSet(rented, 3);
        using var output = new PooledBufferWriter();

        records.WriteTo(output);

        Assert.That(records.Length, Is.EqualTo(3));
        Assert.That(output.WrittenSpan.ToArray(), Is.EqualTo(new byte[] { 1, 2, 3 }));
    }

    [Test]
    public void Dispose_Twice_ReturnsTheArrayOnce()
    {
        var records = new PooledRecordSet(ArrayPool<byte>.Shared.Rent(16), 0);

        records.Dispose();

        Assert.DoesNotThrow(records.Dispose);
    }
}
