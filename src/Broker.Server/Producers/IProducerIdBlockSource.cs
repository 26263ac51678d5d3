namespace Broker.Server.Producers;

/// <summary>
/// Durable source of producer id blocks: a block, once returned, is never returned again (to this or any other
/// broker), even after a crash. Called by one caller at a time (<see cref="BlockProducerIdAllocator"/> serialises).
/// </summary>
public interface IProducerIdBlockSource
{
    Task<ProducerIdRange> ClaimAsync(CancellationToken cancellationToken);
}
