using Broker.Protocol;

namespace Broker.Server.Topics;

/// <summary>
/// The <c>partition.metadata</c> file Kafka keeps in every partition folder: it records the topic id so that a
/// restarted broker (and a recreated topic of the same name) keeps the right identity. Format:
/// <c>version: 0\ntopic_id: &lt;22-char base64url&gt;\n</c>. Written atomically (temp file + rename).
/// </summary>
public static class PartitionMetadataFile
{
    public const string FileName = "partition.metadata";

    public static KafkaUuid? Read(string partitionDir)
    {
        string path = Path.Combine(partitionDir, FileName);
        if (!File.Exists(path)) return null;
        foreach (var line in File.ReadAllLines(path))
        {
            if (line.StartsWith("topic_id:", StringComparison.Ordinal))
                return KafkaUuid.Parse(line["topic_id:".Length..].Trim());
        }

        return null;
    }

    public static void Write(string partitionDir, KafkaUuid topicId)
    {
        string path = Path.Combine(partitionDir, FileName);
        string tmp = path + ".tmp";
        File.WriteAllText(tmp, $"version: 0\ntopic_id: {topicId}\n");
        File.Move(tmp, path, overwrite: true);
    }
}
