namespace Broker.Protocol.Records;

/// <summary>Meaning of record timestamps: bit 3 of the batch attributes (<c>message.timestamp.type</c>).</summary>
public enum TimestampType : byte
{
    /// <summary>Timestamps were set by the producer.</summary>
    CreateTime = 0,

    /// <summary>The broker stamped the batch with its own clock when appending (stored in maxTimestamp).</summary>
    LogAppendTime = 1,
}
