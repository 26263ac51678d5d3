namespace Broker.Server.Configuration;

/// <summary>
/// Recognises the common mistake <c>log.retention.hours=168 # 7 days</c>: in properties files <c>#</c> only starts a
/// comment at the beginning of a line, so the value really is <c>168 # 7 days</c>.
/// </summary>
internal static class InlineComment
{
    /// <summary>Index of the first <c>#</c> that follows whitespace, or -1.</summary>
    public static int Find(string value)
    {
        for (var i = 1; i < value.Length; i++)
        {
            if (value[i] == '#' && char.IsWhiteSpace(value[i - 1]))
                return i;
        }

        return -1;
    }

    /// <summary>The text before an inline <c>#</c>, trimmed; null when there is no inline comment.</summary>
    public static string? ValueBefore(string value)
    {
        var index = Find(value);
        return index < 0 ? null : value[..index].Trim();
    }
}
