namespace Broker.Protocol.Generator.Model;

/// <summary>One Kafka error code.</summary>
public sealed record ErrorSpec(short Code, string Name, string Message, bool Retriable);
