namespace Broker.Server.Producers;

/// <summary>A claimed block of producer ids, <see cref="First"/> to <see cref="Last"/> inclusive.</summary>
public readonly record struct ProducerIdRange(long First, long Last);
