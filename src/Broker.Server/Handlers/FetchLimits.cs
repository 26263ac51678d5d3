using Broker.Server.Configuration;

namespace Broker.Server.Handlers;

/// <summary>
/// Broker-side bounds on a Fetch, whatever the request asks: <paramref name="MaxBytes"/> over the whole response
/// (<c>fetch.max.bytes</c>, bytes) and <paramref name="MaxWaitMs"/> for a long poll (<c>fetch.max.wait.cap.ms</c>,
/// milliseconds), and whether a leader sends rack-aware consumers to a replica in their rack (<paramref name="RackAwareReadReplica"/>,
/// <c>replica.selector.class</c>). Immutable.
/// </summary>
public sealed record FetchLimits(int MaxBytes, int MaxWaitMs, bool RackAwareReadReplica = false)
{
    /// <summary>No bounds beyond the request's own (in-memory tests).</summary>
    public static FetchLimits None { get; } = new(int.MaxValue, int.MaxValue);

    public static FetchLimits From(BrokerConfig config) => new(config.FetchMaxBytes, config.FetchMaxWaitCapMs, config.RackAwareReplicaSelector);
}
