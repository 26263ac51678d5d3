namespace Broker.Server.Topics;

/// <summary>
/// What the broker can replicate today. Until replication lands every partition has exactly one replica: topic
/// creation refuses larger factors with a message saying so, and internal topics fall back to this factor (logged).
/// </summary>
public static class ReplicationSupport
{
    public const int MaxReplicationFactor = 1;
}
