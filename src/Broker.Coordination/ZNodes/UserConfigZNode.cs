using System.Text.Json.Nodes;

namespace Broker.Coordination.ZNodes;

/// <summary>
/// <c>/config/users/&lt;sanitized user&gt;</c> (persistent): a user's dynamic config, <c>{"version":1,"config":{...}}</c>,
/// as Kafka writes it: SCRAM credentials under their mechanism name
/// (<c>"SCRAM-SHA-256":"salt=...,stored_key=...,server_key=...,iterations=4096"</c>) next to any quota keys, which
/// are kept untouched. The name is sanitized as Kafka's <c>Sanitizer</c> does (URL-encoded UTF-8, <c>%20</c> for a
/// space, <c>%2A</c> for '*', '~' kept), so <c>alice</c> stays <c>alice</c>.
/// </summary>
public sealed record UserConfigZNode(IReadOnlyDictionary<string, string> Config)
{
    public const string Root = "/config/users";

    public static string PathOf(string user) => $"{Root}/{Sanitize(user)}";

    /// <summary>The change notification's entity path for <paramref name="user"/>.</summary>
    public static string EntityPathOf(string user) => $"users/{Sanitize(user)}";

    /// <summary>Kafka's Sanitizer.sanitize: RFC 3986 unreserved characters kept, everything else percent-encoded.</summary>
    public static string Sanitize(string name) => Uri.EscapeDataString(name);

    public static string Desanitize(string name) => Uri.UnescapeDataString(name);

    public byte[] Encode() => new TopicConfigZNode(Config).Encode(); // the same {"version":1,"config":{}} shape

    public static UserConfigZNode Decode(string user, ReadOnlySpan<byte> data) =>
        new(TopicConfigZNode.DecodeAt(PathOf(user), data));
}
