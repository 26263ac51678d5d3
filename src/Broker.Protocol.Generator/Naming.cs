using System.Text;

namespace Broker.Protocol.Generator;

/// <summary>Name conversions used by the generator.</summary>
public static class Naming
{
    /// <summary>"include_topic_authorized_operations" or "UNKNOWN_SERVER_ERROR" to PascalCase.</summary>
    public static string ToPascalCase(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var part in name.Split('_', StringSplitOptions.RemoveEmptyEntries))
        {
            var allUpper = part.All(c => !char.IsLetter(c) || char.IsUpper(c));
            builder.Append(char.ToUpperInvariant(part[0]));
            builder.Append(allUpper ? part[1..].ToLowerInvariant() : part[1..]);
        }

        return builder.ToString();
    }
}
