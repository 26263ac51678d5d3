using System.Text;
using System.Text.Json.Nodes;
using Broker.Coordination.Acls;

namespace Broker.Coordination.ZNodes;

/// <summary>
/// Kafka's ACL layout (ZkData's ZkAclStore): literal patterns under <c>/kafka-acl/&lt;Type&gt;/&lt;name&gt;</c>,
/// prefixed ones under <c>/kafka-acl-extended/prefixed/&lt;Type&gt;/&lt;name&gt;</c> (Type in PascalCase: Topic,
/// Group, Cluster, TransactionalId). A resource node holds
/// <c>{"version":1,"acls":[{"principal":"User:alice","permissionType":"Allow","operation":"Read","host":"*"}]}</c>.
/// Changes are announced by persistent sequential <c>acl_changes_</c> nodes: under <c>/kafka-acl-changes</c> for
/// literal patterns, holding "TOPIC:name"; under <c>/kafka-acl-extended-changes</c> for the others, holding
/// <c>{"version":1,"resourceType":"TOPIC","name":"x","patternType":"PREFIXED"}</c>. Pure functions.
/// </summary>
public static class AclZNodes
{
    public const string LiteralRoot = "/kafka-acl";
    public const string ExtendedRoot = "/kafka-acl-extended";
    public const string LiteralChanges = "/kafka-acl-changes";
    public const string ExtendedChanges = "/kafka-acl-extended-changes";
    public const string ChangePrefix = "acl_changes_";

    /// <summary>The resource types Kafka stores ACLs for.</summary>
    public static readonly AclResourceType[] StoredTypes =
        [AclResourceType.Topic, AclResourceType.Group, AclResourceType.Cluster, AclResourceType.TransactionalId,
         AclResourceType.DelegationToken, AclResourceType.User];

    public static string RootOf(AclPatternType patternType) => patternType switch
    {
        AclPatternType.Literal => LiteralRoot,
        AclPatternType.Prefixed => $"{ExtendedRoot}/prefixed",
        _ => throw new ArgumentException($"no store for pattern type {patternType}"),
    };

    public static string TypePath(AclPatternType patternType, AclResourceType type) => $"{RootOf(patternType)}/{AclNames.Pascal(type)}";

    public static string PathOf(ResourcePattern p) => $"{TypePath(p.PatternType, p.Type)}/{p.Name}";

    public static string ChangeRootOf(AclPatternType patternType) => patternType == AclPatternType.Literal ? LiteralChanges : ExtendedChanges;

    public static byte[] Encode(IEnumerable<AclEntry> acls)
    {
        var array = new JsonArray();
        foreach (var a in acls)
            array.Add(new JsonObject
            {
                ["principal"] = a.Principal,
                ["permissionType"] = AclNames.Pascal(a.Permission),
                ["operation"] = AclNames.Pascal(a.Operation),
                ["host"] = a.Host,
            });
        return ZkJson.Encode(new JsonObject { ["version"] = 1, ["acls"] = array });
    }

    /// <summary>Reads a resource node; throws <see cref="FormatException"/> naming <paramref name="path"/>.</summary>
    public static IReadOnlyList<AclEntry> Decode(string path, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) return [];
        var root = ZkJson.Decode(data, path);
        var list = new List<AclEntry>();
        if (root["acls"] is not JsonArray acls) return list;
        foreach (var node in acls)
        {
            if (node is not JsonObject o) throw new FormatException($"{path}: an ACL is not a JSON object");
            string principal = (string?)o["principal"] ?? throw new FormatException($"{path}: an ACL has no principal");
            string host = (string?)o["host"] ?? AclEntry.WildcardHost;
            var op = AclNames.Parse<AclOperation>((string?)o["operation"]) ?? throw new FormatException($"{path}: unknown operation {o["operation"]}");
            var perm = AclNames.Parse<AclPermission>((string?)o["permissionType"]) ?? throw new FormatException($"{path}: unknown permissionType {o["permissionType"]}");
            list.Add(new AclEntry(principal, host, op, perm));
        }
        return list;
    }

    /// <summary>The change notification's value for <paramref name="p"/>.</summary>
    public static byte[] EncodeChange(ResourcePattern p) => p.PatternType == AclPatternType.Literal
        ? Encoding.UTF8.GetBytes($"{AclNames.Upper(p.Type)}:{p.Name}")
        : ZkJson.Encode(new JsonObject
        {
            ["version"] = 1,
            ["resourceType"] = AclNames.Upper(p.Type),
            ["name"] = p.Name,
            ["patternType"] = AclNames.Upper(p.PatternType),
        });

    /// <summary>Reads a change notification of either store; throws <see cref="FormatException"/>.</summary>
    public static ResourcePattern DecodeChange(string changeRoot, ReadOnlySpan<byte> data)
    {
        if (changeRoot == LiteralChanges)
        {
            string text = Encoding.UTF8.GetString(data);
            int colon = text.IndexOf(':');
            var type = colon > 0 ? AclNames.Parse<AclResourceType>(text[..colon]) : null;
            if (type is null) throw new FormatException($"{changeRoot}: expected ResourceType:ResourceName but got {text}");
            return new ResourcePattern(type.Value, text[(colon + 1)..], AclPatternType.Literal);
        }

        var o = ZkJson.Decode(data, changeRoot);
        var rt = AclNames.Parse<AclResourceType>((string?)o["resourceType"]);
        var pt = AclNames.Parse<AclPatternType>((string?)o["patternType"]);
        string? name = (string?)o["name"];
        if (rt is null || pt is null || name is null) throw new FormatException($"{changeRoot}: bad ACL change event");
        return new ResourcePattern(rt.Value, name, pt.Value);
    }
}
