namespace Broker.Protocol.Records.Validation;

/// <summary>
/// Kafka's CreateTime check: a record timestamp other than -1 (none) must lie within
/// [now - <see cref="BeforeMaxMs"/>, now + <see cref="AfterMaxMs"/>] (message.timestamp.difference.max.ms and
/// its successors). Immutable.
/// </summary>
internal sealed record TimestampRule(long NowMs, long BeforeMaxMs, long AfterMaxMs)
{
    /// <summary>Null when <paramref name="timestamp"/> is acceptable, else the reason.</summary>
    public string? Check(long timestamp, int index)
    {
        if (timestamp == -1)
        {
            return null;
        }

        Int128 difference = (Int128)NowMs - timestamp; // no overflow for hostile timestamps
        if (difference > BeforeMaxMs || -difference > AfterMaxMs)
        {
            return $"record {index}: timestamp {timestamp} is out of range; it should be within {BeforeMaxMs} ms before and {AfterMaxMs} ms after {NowMs}";
        }

        return null;
    }
}
