namespace Broker.Server.Producers;

/// <summary>
/// Serves ids from the current block and claims the next block from its <see cref="IProducerIdBlockSource"/> when
/// the current one is used up. Ids of a block not fully used before a restart are skipped, never reused.
/// Thread-safe: one semaphore; InitProducerId is rare, so no lock-free path is needed.
/// </summary>
public sealed class BlockProducerIdAllocator(IProducerIdBlockSource source) : IProducerIdAllocator
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _next;
    private long _last = -1;

    public async ValueTask<long> NextAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_next > _last)
            {
                ProducerIdRange block = await source.ClaimAsync(cancellationToken).ConfigureAwait(false);
                _next = block.First;
                _last = block.Last;
            }

            return _next++;
        }
        finally
        {
            _gate.Release();
        }
    }
}
