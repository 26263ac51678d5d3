using System.Text.RegularExpressions;

namespace Broker.Cli.Topics;

/// <summary>
/// Kafka's IncludeList: <c>--topic</c> is a regular expression matched against the whole name; commas mean "or",
/// spaces and surrounding quotes are ignored. Internal topics are dropped when <c>--exclude-internal</c> is given.
/// </summary>
internal sealed class TopicFilter
{
    private readonly Regex? _pattern;
    private readonly bool _excludeInternal;

    public TopicFilter(string? pattern, bool excludeInternal)
    {
        _excludeInternal = excludeInternal;
        if (pattern is null) return;
        string cleaned = pattern.Trim().Replace(',', '|').Replace(" ", "").TrimStart('"', '\'').TrimEnd('"', '\'');
        try
        {
            _pattern = new Regex($"^(?:{cleaned})$", RegexOptions.CultureInvariant);
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"Invalid topic regular expression '{pattern}': {e.Message}");
        }
    }

    public static bool IsInternal(string topic) => topic is "__consumer_offsets" or "__transaction_state";

    public bool Allows(string topic) =>
        !(_excludeInternal && IsInternal(topic)) && (_pattern is null || _pattern.IsMatch(topic));
}
