namespace Broker.Server.Producers;

/// <summary>Hands out producer ids that are unique across the cluster and across restarts. Thread-safe.</summary>
public interface IProducerIdAllocator
{
    /// <summary>The next unused producer id (&gt;= 0).</summary>
    ValueTask<long> NextAsync(CancellationToken cancellationToken);
}
