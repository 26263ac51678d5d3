namespace Broker.IntegrationTests.Replication;

/// <summary>How hard and how patiently <see cref="ContinuousProducer"/> sends.</summary>
public sealed class ContinuousProducerOptions
{
    /// <summary>Target send rate, records per second (paced; the producer never sends faster).</summary>
    public int RatePerSecond { get; init; } = 300;

    /// <summary>At most this many records are sent but not yet reported (acked or failed).</summary>
    public int MaxOutstanding { get; init; } = 1000;

    /// <summary>librdkafka message.timeout.ms: a record not acknowledged by then is reported failed.</summary>
    public int MessageTimeoutMs { get; init; } = 30_000;

    /// <summary>librdkafka request.timeout.ms (the broker-side acks=all wait is bounded by it too).</summary>
    public int RequestTimeoutMs { get; init; } = 10_000;

    /// <summary>The scenarios run idempotent (enable.idempotence=true); false only to try the harness on a broker without InitProducerId.</summary>
    public bool EnableIdempotence { get; init; } = true;

    public int LingerMs { get; init; } = 5;

    /// <summary>Requests in flight per connection (idempotence allows at most 5; more in flight means more retried batches on failover).</summary>
    public int MaxInFlight { get; init; } = 5;
}
