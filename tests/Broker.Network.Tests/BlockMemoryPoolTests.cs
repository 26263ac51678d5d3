using Broker.Network;

namespace Broker.Network.Tests;

public sealed class BlockMemoryPoolTests
{
    [Test]
    public void Rent_AlwaysReturnsAWholeBlock()
    {
        using var pool = new BlockMemoryPool(blockSize: 4096);
        using var small = pool.Rent(1);
        using var any = pool.Rent();

        Assert.That(small.Memory.Length, Is.EqualTo(4096));
        Assert.That(any.Memory.Length, Is.EqualTo(4096));
        Assert.That(pool.MaxBufferSize, Is.EqualTo(4096));
    }

    [Test]
    public void Rent_AfterDispose_ReusesTheBlock()
    {
        using var pool = new BlockMemoryPool(blockSize: 4096);
        var first = pool.Rent();
        first.Memory.Span[0] = 42;
        first.Dispose();
        first.Dispose(); // a second dispose must not return the block twice

        using var second = pool.Rent();
        using var third = pool.Rent();

        Assert.That(second, Is.SameAs(first));
        Assert.That(second.Memory.Span[0], Is.EqualTo(42));
        Assert.That(third, Is.Not.SameAs(first));
    }

    [Test]
    public void Dispose_BeyondRetentionLimit_DropsTheBlock()
    {
        using var pool = new BlockMemoryPool(blockSize: 4096, maxRetainedBlocks: 1);
        var a = pool.Rent();
        var b = pool.Rent();

        a.Dispose();
        b.Dispose();

        Assert.That(pool.RetainedBlocks, Is.EqualTo(1));
    }

    [Test]
    public void Rent_LargerThanABlock_Throws()
    {
        using var pool = new BlockMemoryPool(blockSize: 4096);

        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(4097));
    }
}
