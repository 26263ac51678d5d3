using Broker.Cli.CommandLine;
using Confluent.Kafka;

namespace Broker.Cli.Topics;

/// <summary>
/// The partition reports of <c>--describe</c> (Kafka's DescribeOptions): at most one of under-replicated (ISR smaller
/// than the replicas), under-min-ISR (no leader, or ISR below the topic's min.insync.replicas), at-min-ISR (ISR equal to
/// it) and unavailable (no leader, or a leader that is not a live broker).
/// </summary>
internal sealed class PartitionFilter
{
    private readonly bool _underReplicated;
    private readonly bool _underMinIsr;
    private readonly bool _atMinIsr;
    private readonly bool _unavailable;
    private readonly IReadOnlySet<int> _liveBrokers;

    public PartitionFilter(ParsedOptions options, IReadOnlySet<int> liveBrokers)
    {
        _underReplicated = options.Has("under-replicated-partitions");
        _underMinIsr = options.Has("under-min-isr-partitions");
        _atMinIsr = options.Has("at-min-isr-partitions");
        _unavailable = options.Has("unavailable-partitions");
        _liveBrokers = liveBrokers;
    }

    /// <summary>True when a report was asked for: then the topic lines are not printed, only the selected partitions.</summary>
    public bool IsActive => _underReplicated || _underMinIsr || _atMinIsr || _unavailable;

    /// <summary>Whether the report selects the partition; <paramref name="minIsr"/> is the topic's min.insync.replicas when known.</summary>
    public bool Selects(TopicPartitionInfo partition, int? minIsr)
    {
        bool hasLeader = partition.Leader is not null;
        int isr = partition.ISR.Count;
        return (_underReplicated && partition.Replicas.Count - isr > 0)
               || (_underMinIsr && (!hasLeader || (minIsr is { } under && isr < under)))
               || (_atMinIsr && minIsr == isr)
               || (_unavailable && (!hasLeader || !_liveBrokers.Contains(partition.Leader!.Id)));
    }
}
