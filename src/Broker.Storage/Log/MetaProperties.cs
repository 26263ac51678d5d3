using System.Globalization;
using System.Text;

namespace Broker.Storage.Log;

/// <summary>
/// <c>meta.properties</c> of a log dir, as a ZooKeeper-mode Kafka broker writes it (version=0, broker.id, optional
/// cluster.id). Guards against pointing a broker at another broker's data.
/// </summary>
internal static class MetaProperties
{
    public const string FileName = "meta.properties";

    /// <summary>Writes the file, or checks an existing one.</summary>
    /// <exception cref="InvalidOperationException">the dir belongs to another broker id or cluster.</exception>
    public static void EnsureOrWrite(string logDir, int brokerId, string? clusterId)
    {
        string path = Path.Combine(logDir, FileName);
        if (File.Exists(path))
        {
            Dictionary<string, string> existing = Parse(File.ReadAllLines(path));
            if (existing.TryGetValue("broker.id", out string? id) && id != brokerId.ToString(CultureInfo.InvariantCulture))
            {
                throw new InvalidOperationException($"{path} has broker.id={id} but this broker is {brokerId}.");
            }

            if (clusterId is not null && existing.TryGetValue("cluster.id", out string? cluster) && cluster != clusterId)
            {
                throw new InvalidOperationException($"{path} has cluster.id={cluster} but the cluster is {clusterId}.");
            }

            if (clusterId is null || existing.ContainsKey("cluster.id"))
            {
                return;
            }
        }

        var text = new StringBuilder();
        text.Append("#\n#").Append(DateTime.UtcNow.ToString("ddd MMM dd HH:mm:ss 'UTC' yyyy", CultureInfo.InvariantCulture)).Append('\n');
        if (clusterId is not null)
        {
            text.Append("cluster.id=").Append(clusterId).Append('\n');
        }

        text.Append("version=0\n");
        text.Append("broker.id=").Append(brokerId.ToString(CultureInfo.InvariantCulture)).Append('\n');
        string tmp = path + ".tmp";
        File.WriteAllText(tmp, text.ToString());
        File.Move(tmp, path, overwrite: true);
    }

    public static Dictionary<string, string> Parse(IEnumerable<string> lines)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in lines)
        {
            int eq = line.IndexOf('=');
            if (line.StartsWith('#') || eq <= 0)
            {
                continue;
            }

            result[line[..eq].Trim()] = line[(eq + 1)..].Trim();
        }

        return result;
    }
}
