namespace Broker.Server.Topics;

/// <summary>Kafka's topic-name rules: 1–249 characters of [a-zA-Z0-9._-], and not "." or "..".</summary>
public static class TopicName
{
    public const int MaxLength = 249;

    /// <summary>Returns null when the name is valid, else the reason (sent to clients as the error message).</summary>
    public static string? Validate(string? name)
    {
        if (string.IsNullOrEmpty(name)) return "Topic name is illegal, it can't be empty";
        if (name is "." or "..") return "Topic name cannot be \".\" or \"..\"";
        if (name.Length > MaxLength)
            return $"Topic name is illegal, it can't be longer than {MaxLength} characters, topic name: {name}";
        foreach (char c in name)
        {
            bool ok = c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '.' or '_' or '-';
            if (!ok)
                return $"Topic name \"{name}\" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'";
        }

        return null;
    }

    /// <summary>Kafka refuses two topics whose names differ only by '.' versus '_' (they collide in metric names).</summary>
    public static string CollisionKey(string name) => name.Replace('.', '_');

    public static bool IsInternal(string name) => name is "__consumer_offsets" or "__transaction_state";
}
