namespace Broker.Storage.Log;

/// <summary>A ListOffsets answer: a record's timestamp (-1 when not applicable) and offset.</summary>
public readonly record struct TimestampAndOffset(long Timestamp, long Offset);
