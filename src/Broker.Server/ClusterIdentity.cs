using Broker.Protocol;

namespace Broker.Server;

/// <summary>
/// The cluster id of a broker running without ZooKeeper: generated once (Kafka-style 22-char base64url) and kept
/// in <c>cluster.id</c> in the first log directory, so it survives restarts.
/// </summary>
public static class ClusterIdentity
{
    public static string LoadOrCreate(string logDir)
    {
        Directory.CreateDirectory(logDir);
        string path = Path.Combine(logDir, "cluster.id");
        if (File.Exists(path)) return File.ReadAllText(path).Trim();
        string id = KafkaUuid.NewRandom().ToString();
        File.WriteAllText(path, id + "\n");
        return id;
    }
}
