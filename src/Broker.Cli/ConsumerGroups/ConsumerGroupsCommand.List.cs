using System.Text;
using Broker.Cli.CommandLine;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.Cli.ConsumerGroups;

/// <summary>--list: one group id per line, or with --state [S1,S2] a <c>GROUP STATE</c> table filtered by state.</summary>
internal sealed partial class ConsumerGroupsCommand
{
    private async Task<int> ListAsync(IAdminClient admin, ParsedOptions options)
    {
        var listOptions = new ListConsumerGroupsOptions { RequestTimeout = _timeout };
        if (options.Value("state") is { } filter)
            listOptions.MatchStates = filter.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(ParseState).ToList();
        var groups = (await admin.ListConsumerGroupsAsync(listOptions)).Valid;

        if (options.Value("output") == "json")
        {
            System.Console.Out.WriteLine(GroupJson.List(groups));
            return 0;
        }

        var text = new StringBuilder();
        if (options.Has("state"))
        {
            int g = OffsetTable.Width(15, groups.Select(x => x.GroupId));
            OffsetTable.Line(text, [("GROUP", g), ("STATE", 0)]);
            foreach (var group in groups) OffsetTable.Line(text, [(group.GroupId, g), (StateName(group.State), 0)]);
        }
        else
        {
            foreach (var group in groups) text.Append(group.GroupId).Append('\n');
        }

        System.Console.Out.Write(text.ToString());
        return 0;
    }

    /// <summary>Kafka's ConsumerGroupState.parse: case-insensitive names.</summary>
    private ConsumerGroupState ParseState(string name) => name.ToLowerInvariant() switch
    {
        "preparingrebalance" => ConsumerGroupState.PreparingRebalance,
        "completingrebalance" => ConsumerGroupState.CompletingRebalance,
        "stable" => ConsumerGroupState.Stable,
        "dead" => ConsumerGroupState.Dead,
        "empty" => ConsumerGroupState.Empty,
        _ => throw new UsageException($"Invalid state '{name}' for --state: expected Stable, Empty, PreparingRebalance, CompletingRebalance or Dead", _parser),
    };
}
