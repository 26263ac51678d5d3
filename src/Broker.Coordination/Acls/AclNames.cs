using System.Text;

namespace Broker.Coordination.Acls;

/// <summary>
/// Kafka's names of the ACL enums: PascalCase in ZooKeeper ("Topic", "ClusterAction", "Allow", SecurityUtils'
/// names) and UPPER_SNAKE in toString and the literal change notification ("TOPIC", "CLUSTER_ACTION"). Parsing
/// accepts either, case-insensitively, as Kafka's fromString does. Pure functions.
/// </summary>
public static class AclNames
{
    public static string Pascal<T>(T value) where T : struct, Enum => value.ToString();

    public static string Upper<T>(T value) where T : struct, Enum
    {
        string pascal = value.ToString();
        var sb = new StringBuilder(pascal.Length + 4);
        for (int i = 0; i < pascal.Length; i++)
        {
            if (i > 0 && char.IsUpper(pascal[i])) sb.Append('_');
            sb.Append(char.ToUpperInvariant(pascal[i]));
        }
        return sb.ToString();
    }

    /// <summary>Parses "Read", "READ", "read", "ClusterAction", "CLUSTER_ACTION", "cluster_action"; null when unknown.</summary>
    public static T? Parse<T>(string? text) where T : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        string compact = text.Trim().Replace("_", "", StringComparison.Ordinal);
        foreach (var v in Enum.GetValues<T>())
            if (string.Equals(v.ToString(), compact, StringComparison.OrdinalIgnoreCase)) return v;
        return null;
    }
}
