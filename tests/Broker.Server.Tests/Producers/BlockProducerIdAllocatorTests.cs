using Broker.Server.Producers;

namespace Broker.Server.Tests.Producers;

public class BlockProducerIdAllocatorTests
{
    [Test]
    public async Task NextAsync_UsesBlockThenClaimsNext()
    {
        var source = new ScriptedSource(new ProducerIdRange(10, 12), new ProducerIdRange(100, 101));
        var allocator = new BlockProducerIdAllocator(source);

        var ids = new List<long>();
        for (int i = 0; i < 5; i++)
        {
            ids.Add(await allocator.NextAsync(CancellationToken.None));
        }

        Assert.That(ids, Is.EqualTo(new long[] { 10, 11, 12, 100, 101 }));
        Assert.That(source.Claims, Is.EqualTo(2));
    }

    [Test]
    public async Task NextAsync_Concurrent_NeverRepeatsAnId()
    {
        var source = new ScriptedSource(Enumerable.Range(0, 100).Select(i => new ProducerIdRange(i * 10L, (i * 10L) + 9)).ToArray());
        var allocator = new BlockProducerIdAllocator(source);

        long[] ids = await Task.WhenAll(Enumerable.Range(0, 400).Select(_ => Task.Run(async () => await allocator.NextAsync(CancellationToken.None))));

        Assert.That(ids.Distinct().Count(), Is.EqualTo(400));
        Assert.That(source.Claims, Is.EqualTo(40));
    }

    private sealed class ScriptedSource(params ProducerIdRange[] blocks) : IProducerIdBlockSource
    {
        private int _claims;

        public int Claims => _claims;

        public async Task<ProducerIdRange> ClaimAsync(CancellationToken cancellationToken)
        {
            await Task.Yield();
            return blocks[Interlocked.Increment(ref _claims) - 1];
        }
    }
}
