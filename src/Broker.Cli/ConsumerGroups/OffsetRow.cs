namespace Broker.Cli.ConsumerGroups;

/// <summary>
/// One row of <c>--describe</c>'s offsets view. Null fields print as Kafka's <c>-</c>. <see cref="Lag"/> is
/// log-end minus committed, null when either is unknown or nothing was committed. Immutable.
/// </summary>
internal sealed record OffsetRow(string Group, string? Topic, int? Partition, long? CurrentOffset, long? LogEndOffset,
    string? ConsumerId, string? Host, string? ClientId)
{
    public long? Lag => CurrentOffset is { } c && c >= 0 && LogEndOffset is { } end ? end - c : null;
}
