namespace Broker.IntegrationTests.Cluster;

/// <summary>
/// /brokers/topics/&lt;t&gt;/partitions/&lt;p&gt;/state as the controller wrote it: the leader (-1 when offline), its epoch and
/// the in-sync replicas; <paramref name="ZkVersion"/> is the znode's data version.
/// </summary>
public sealed record PartitionState(int Leader, int LeaderEpoch, IReadOnlyList<int> Isr, int ZkVersion)
{
    public override string ToString() => $"leader={Leader} epoch={LeaderEpoch} isr=[{string.Join(",", Isr)}] v{ZkVersion}";
}
