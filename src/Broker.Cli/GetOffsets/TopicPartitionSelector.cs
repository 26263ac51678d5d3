using System.Text.RegularExpressions;
using Broker.Cli.Topics;

namespace Broker.Cli.GetOffsets;

/// <summary>
/// Which partitions kafka-get-offsets.sh queries. Either <c>--topic</c> (Kafka's IncludeList regex) with
/// <c>--partitions 0,2</c>, or <c>--topic-partitions</c>: comma-separated rules <c>REGEX[:PARTITIONS]</c> where
/// PARTITIONS is <c>N</c>, <c>N-M</c> (M exclusive), <c>N-</c> or <c>-M</c>, and an empty REGEX matches any topic; a
/// partition matching any rule is queried. Immutable after construction.
/// </summary>
internal sealed class TopicPartitionSelector
{
    private static readonly Regex RulePattern = new("^([^:,]*)(?::(?:([0-9]*)|(?:([0-9]*)-([0-9]*))))?$", RegexOptions.CultureInvariant);

    private readonly List<(TopicFilter Topic, Func<int, bool> Partition)> _rules;

    private TopicPartitionSelector(List<(TopicFilter, Func<int, bool>)> rules) => _rules = rules;

    public static TopicPartitionSelector FromTopicAndPartitions(string? topic, string? partitions)
    {
        var ids = new HashSet<int>();
        if (!string.IsNullOrEmpty(partitions))
        {
            foreach (string p in partitions.Split(','))
            {
                if (!int.TryParse(p, out int id))
                    throw new ArgumentException($"--partitions expects a comma separated list of numeric partition ids, but received: {partitions}");
                ids.Add(id);
            }
        }

        return new TopicPartitionSelector([(new TopicFilter(topic ?? ".*", false), p => ids.Count == 0 || ids.Contains(p))]);
    }

    public static TopicPartitionSelector FromRules(string rules) =>
        new(rules.Split(',').Select(ParseRule).ToList());

    private static (TopicFilter, Func<int, bool>) ParseRule(string rule)
    {
        var m = RulePattern.Match(rule);
        if (!m.Success) throw new ArgumentException($"Invalid rule specification: {rule}");
        string? Group(int g) => m.Groups[g].Success && m.Groups[g].Value.Length > 0 ? m.Groups[g].Value : null;
        var topic = new TopicFilter(Group(1) ?? ".*", false);
        if (Group(2) is { } single)
        {
            int id = int.Parse(single);
            return (topic, p => p == id);
        }

        int lower = Group(3) is { } l ? int.Parse(l) : 0;
        int upper = Group(4) is { } u ? int.Parse(u) : int.MaxValue;
        return (topic, p => p >= lower && p < upper);
    }

    public bool AllowsTopic(string topic) => _rules.Any(r => r.Topic.Allows(topic));

    public bool Allows(string topic, int partition) => _rules.Any(r => r.Topic.Allows(topic) && r.Partition(partition));
}
