using System.Globalization;
using System.Text.Json.Nodes;

namespace Broker.Coordination.ZNodes;

/// <summary>An endpoint of a registered broker: listener name, host, port and security protocol.</summary>
public sealed record BrokerEndpoint(string ListenerName, string Host, int Port, string SecurityProtocol = "PLAINTEXT")
{
    public override string ToString() => $"{ListenerName}://{Host}:{Port}";
}

/// <summary>
/// <c>/brokers/ids/&lt;id&gt;</c> (EPHEMERAL): a live broker's registration, in Kafka's version-5 JSON:
/// <c>{"version":5,"host":..,"port":..,"endpoints":[..],"listener_security_protocol_map":{..},"jmx_port":-1,
/// "timestamp":"ms","features":{}}</c> plus <c>rack</c> when set. The broker epoch is the znode's czxid.
/// </summary>
public sealed record BrokerIdZNode(int Id, IReadOnlyList<BrokerEndpoint> Endpoints, string? Rack, long TimestampMs)
{
    public const string Root = "/brokers/ids";

    public static string PathOf(int id) => $"{Root}/{id}";

    public byte[] Encode()
    {
        var plaintext = Endpoints.FirstOrDefault(e => e.SecurityProtocol == "PLAINTEXT");
        var map = new JsonObject();
        foreach (var e in Endpoints) map[e.ListenerName] = e.SecurityProtocol;
        var json = new JsonObject
        {
            ["features"] = new JsonObject(),
            ["listener_security_protocol_map"] = map,
            ["endpoints"] = new JsonArray(Endpoints.Select(e => (JsonNode)JsonValue.Create(e.ToString())).ToArray()),
            ["jmx_port"] = -1,
            ["port"] = plaintext?.Port ?? -1,
            ["host"] = plaintext?.Host,
            ["version"] = 5,
            ["timestamp"] = TimestampMs.ToString(CultureInfo.InvariantCulture),
        };
        if (Rack is not null) json["rack"] = Rack;
        return ZkJson.Encode(json);
    }

    public static BrokerIdZNode Decode(int id, ReadOnlySpan<byte> data)
    {
        var json = ZkJson.Decode(data, PathOf(id));
        var protocols = json["listener_security_protocol_map"] as JsonObject;
        var endpoints = new List<BrokerEndpoint>();
        foreach (var node in json["endpoints"] as JsonArray ?? [])
        {
            string text = node!.GetValue<string>();
            int scheme = text.IndexOf("://", StringComparison.Ordinal);
            int colon = text.LastIndexOf(':');
            string name = text[..scheme];
            string host = text[(scheme + 3)..colon].Trim('[', ']');
            int port = int.Parse(text[(colon + 1)..], CultureInfo.InvariantCulture);
            string protocol = protocols?[name]?.GetValue<string>() ?? name;
            endpoints.Add(new BrokerEndpoint(name, host, port, protocol));
        }

        long ts = long.TryParse(json["timestamp"]?.ToString(), CultureInfo.InvariantCulture, out var t) ? t : 0;
        return new BrokerIdZNode(id, endpoints, json["rack"]?.GetValue<string>(), ts);
    }
}
