using System.Globalization;

namespace Broker.Storage;

/// <summary>A topic name and partition index; its <see cref="DirectoryName"/> is Kafka's folder name.</summary>
public readonly record struct TopicPartition(string Topic, int Partition)
{
    /// <summary><c>&lt;topic&gt;-&lt;partition&gt;</c>.</summary>
    public string DirectoryName => string.Create(CultureInfo.InvariantCulture, $"{Topic}-{Partition}");

    /// <summary>
    /// Parses a partition folder name. Topic names may contain '-', so the split is at the last one.
    /// </summary>
    public static bool TryParseDirectoryName(string name, out TopicPartition topicPartition)
    {
        topicPartition = default;
        int dash = name.LastIndexOf('-');
        if (dash <= 0 || dash == name.Length - 1)
        {
            return false;
        }

        ReadOnlySpan<char> number = name.AsSpan(dash + 1);
        if (!int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out int partition))
        {
            return false;
        }

        topicPartition = new TopicPartition(name[..dash], partition);
        return true;
    }

    public override string ToString() => DirectoryName;
}
