namespace Broker.Server.Partitions;

/// <summary>A topic name and partition index: the key of everything partition-scoped.</summary>
public readonly record struct TopicPartition(string Topic, int Partition)
{
    public override string ToString() => $"{Topic}-{Partition}";
}
