using System.Text.Json.Nodes;

namespace Broker.Coordination.ZNodes;

/// <summary>
/// <c>/config/topics/&lt;t&gt;</c> (persistent): a topic's config overrides, <c>{"version":1,"config":{"k":"v"}}</c>
/// (values are strings; <c>{}</c> when there are none). Written before <c>/brokers/topics/&lt;t&gt;</c> at creation.
/// </summary>
public sealed record TopicConfigZNode(IReadOnlyDictionary<string, string> Config)
{
    public const string Root = "/config/topics";

    public static string PathOf(string topic) => $"{Root}/{topic}";

    public byte[] Encode()
    {
        var config = new JsonObject();
        foreach (var (k, v) in Config.OrderBy(kv => kv.Key, StringComparer.Ordinal)) config[k] = v;
        return ZkJson.Encode(new JsonObject { ["version"] = 1, ["config"] = config });
    }

    public static TopicConfigZNode Decode(string topic, ReadOnlySpan<byte> data) => new(DecodeAt(PathOf(topic), data));

    /// <summary>Reads the <c>config</c> object of an entity config znode at <paramref name="path"/>.</summary>
    internal static Dictionary<string, string> DecodeAt(string path, ReadOnlySpan<byte> data)
    {
        var json = ZkJson.Decode(data, path);
        var config = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in json["config"] as JsonObject ?? []) config[k] = v?.ToString() ?? "";
        return config;
    }
}

/// <summary>
/// <c>/config/changes/config_change_&lt;seq&gt;</c> (PERSISTENT_SEQUENTIAL): tells every broker that an entity's
/// config changed, <c>{"version":2,"entity_path":"topics/&lt;t&gt;"}</c>.
/// </summary>
public sealed record ConfigChangeZNode(string EntityPath)
{
    public const string Root = "/config/changes";

    public const string Prefix = Root + "/config_change_";

    public byte[] Encode() => ZkJson.Encode(new JsonObject { ["version"] = 2, ["entity_path"] = EntityPath });

    public static ConfigChangeZNode Decode(ReadOnlySpan<byte> data) =>
        new(ZkJson.Decode(data, Root)["entity_path"]?.GetValue<string>() ?? "");
}
