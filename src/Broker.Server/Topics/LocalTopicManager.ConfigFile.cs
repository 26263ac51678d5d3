using System.Text.Json;

namespace Broker.Server.Topics;

public sealed partial class LocalTopicManager
{
    /// <summary>
    /// The on-disk form of a topic's config overrides: <c>topic-configs/&lt;topic&gt;.json</c> under the first log dir,
    /// holding <c>{"version":1,"config":{"retention.ms":"604800000"}}</c>. Topic names are valid file names (Kafka's
    /// character rules). A topic without overrides has no file. Writes are atomic (temp file + rename); not
    /// thread-safe by itself — callers hold the admin lock.
    /// </summary>
    internal static class TopicConfigFile
    {
        public const string DirectoryName = "topic-configs";

        private const string Extension = ".json";

        public static void Write(string dir, string topic, IReadOnlyDictionary<string, string> overrides)
        {
            if (overrides.Count == 0)
            {
                Delete(dir, topic);
                return;
            }

            Directory.CreateDirectory(dir);
            string path = Path.Combine(dir, topic + Extension);
            string tmp = path + ".tmp";
            var document = new Dictionary<string, object>
            {
                ["version"] = 1,
                ["config"] = new SortedDictionary<string, string>(overrides.ToDictionary(), StringComparer.Ordinal),
            };
            File.WriteAllText(tmp, JsonSerializer.Serialize(document));
            File.Move(tmp, path, overwrite: true);
        }

        public static void Delete(string dir, string topic)
        {
            string path = Path.Combine(dir, topic + Extension);
            if (File.Exists(path)) File.Delete(path);
        }

        public static IEnumerable<(string Topic, IReadOnlyDictionary<string, string> Overrides)> ReadAll(string dir)
        {
            if (!Directory.Exists(dir)) yield break;
            foreach (string path in Directory.EnumerateFiles(dir, "*" + Extension))
            {
                using var json = JsonDocument.Parse(File.ReadAllText(path));
                var overrides = new Dictionary<string, string>(StringComparer.Ordinal);
                if (json.RootElement.TryGetProperty("config", out var config))
                {
                    foreach (var entry in config.EnumerateObject()) overrides[entry.Name] = entry.Value.GetString() ?? "";
                }

                yield return (Path.GetFileNameWithoutExtension(path), overrides);
            }
        }
    }
}
