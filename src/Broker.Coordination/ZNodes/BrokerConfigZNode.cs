using System.Text.Json.Nodes;

namespace Broker.Coordination.ZNodes;

/// <summary>
/// <c>/config/brokers/&lt;id&gt;</c> and <c>/config/brokers/&lt;default&gt;</c> (persistent): dynamic broker configs
/// (KIP-226) of one broker or of every broker, <c>{"version":1,"config":{"k":"v"}}</c>, as Kafka's ZooKeeper mode
/// stores them. A change is announced by a <see cref="ConfigChangeZNode"/> with entity path <c>brokers/&lt;entity&gt;</c>.
/// </summary>
public sealed record BrokerConfigZNode(IReadOnlyDictionary<string, string> Config)
{
    public const string Root = "/config/brokers";

    /// <summary>The entity name of the cluster-wide default (Kafka's ConfigEntityName.Default).</summary>
    public const string DefaultEntity = "<default>";

    /// <summary><paramref name="entity"/>: a broker id, or <see cref="DefaultEntity"/>.</summary>
    public static string PathOf(string entity) => $"{Root}/{entity}";

    public byte[] Encode()
    {
        var config = new JsonObject();
        foreach (var (k, v) in Config.OrderBy(kv => kv.Key, StringComparer.Ordinal)) config[k] = v;
        return ZkJson.Encode(new JsonObject { ["version"] = 1, ["config"] = config });
    }

    public static BrokerConfigZNode Decode(string entity, ReadOnlySpan<byte> data)
    {
        var json = ZkJson.Decode(data, PathOf(entity));
        var config = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in json["config"] as JsonObject ?? []) config[k] = v?.ToString() ?? "";
        return new BrokerConfigZNode(config);
    }
}
