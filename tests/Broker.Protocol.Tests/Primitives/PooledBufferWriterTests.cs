namespace Broker.Protocol.Tests.Primitives;

public sealed class PooledBufferWriterTests
{
    [Test]
    public void Write_BeyondInitialCapacity_GrowsAndKeepsBytes()
    {
        using var writer = new PooledBufferWriter(16);
        var data = Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray();
        foreach (var chunk in data.Chunk(7))
        {
            chunk.CopyTo(writer.GetSpan(chunk.Length));
            writer.Advance(chunk.Length);
        }

        Assert.That(writer.WrittenSpan.ToArray(), Is.EqualTo(data));
        Assert.That(writer.WrittenMemory.Length, Is.EqualTo(1000));
    }

    [Test]
    public void Reset_ForgetsWrittenBytes()
    {
        using var writer = new PooledBufferWriter();
        writer.GetSpan(3);
        writer.Advance(3);
        writer.Reset();
        Assert.That(writer.WrittenCount, Is.Zero);
    }

    [Test]
    public void Advance_PastEnd_Throws()
    {
        using var writer = new PooledBufferWriter(16);
        var available = writer.GetSpan().Length;
        Assert.Throws<InvalidOperationException>(() => writer.Advance(available + 1));
    }

    [Test]
    public void Use_AfterDispose_Throws()
    {
        var writer = new PooledBufferWriter();
        writer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => writer.GetSpan());
    }
}
