namespace Broker.Protocol.Records;

/// <summary>A record header: a UTF-8 key and a nullable value.</summary>
public readonly record struct RecordHeader(string Key, byte[]? Value);
