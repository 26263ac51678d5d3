namespace Broker.Cli.LogDirs;

/// <summary>
/// The iteration order of a <c>java.util.HashMap</c> filled with the given keys in the given order: by bucket
/// (<c>(h ^ h &gt;&gt;&gt; 16) &amp; (capacity − 1)</c>, capacity 16 doubled while size &gt; 0.75 × capacity), equal
/// buckets in insertion order. Kafka's tools serialize HashMaps with Jackson, so their JSON keys and list entries come
/// out in this order; reproducing it makes our output byte-identical. Trees in crowded buckets (8+ entries in a map of
/// 64+ buckets) are not modelled. Pure functions.
/// </summary>
internal static class JavaHashOrder
{
    /// <summary>Java's <c>String.hashCode</c> (UTF-16 code units).</summary>
    public static int StringHash(string s)
    {
        int h = 0;
        foreach (char c in s) h = unchecked(31 * h + c);
        return h;
    }

    /// <summary>Kafka's <c>TopicPartition.hashCode</c>.</summary>
    public static int TopicPartitionHash(string topic, int partition) => unchecked(31 * (31 + partition) + StringHash(topic));

    public static IEnumerable<T> Order<T>(IReadOnlyList<T> items, Func<T, int> hash)
    {
        int capacity = 16;
        while (items.Count > capacity * 3 / 4) capacity *= 2;
        return items.Select((item, index) => (item, index))
            .OrderBy(x => Spread(hash(x.item)) & (capacity - 1)).ThenBy(x => x.index).Select(x => x.item);
    }

    private static int Spread(int h) => h ^ (int)((uint)h >> 16);
}
