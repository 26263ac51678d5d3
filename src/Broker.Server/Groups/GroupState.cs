namespace Broker.Server.Groups;

/// <summary>The classic group protocol's states, named exactly as Kafka prints them (DescribeGroups, ListGroups v4).</summary>
public enum GroupState
{
    Empty,
    PreparingRebalance,
    CompletingRebalance,
    Stable,
    Dead,
}
