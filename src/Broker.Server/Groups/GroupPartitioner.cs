namespace Broker.Server.Groups;

/// <summary>
/// Maps a group id to its <c>__consumer_offsets</c> partition exactly as Kafka does:
/// <c>Utils.abs(groupId.hashCode) % partitions</c>, where hashCode is Java's String.hashCode over UTF-16 code units
/// (never .NET's randomised string hash) and <c>Utils.abs(int.MinValue) = 0</c>. Pure; thread-safe.
/// </summary>
public static class GroupPartitioner
{
    public static int JavaStringHashCode(string value)
    {
        int h = 0;
        foreach (char c in value)
        {
            h = unchecked((31 * h) + c);
        }

        return h;
    }

    public static int PartitionFor(string groupId, int partitionCount)
    {
        int hash = JavaStringHashCode(groupId);
        int abs = hash == int.MinValue ? 0 : Math.Abs(hash);
        return abs % partitionCount;
    }
}
