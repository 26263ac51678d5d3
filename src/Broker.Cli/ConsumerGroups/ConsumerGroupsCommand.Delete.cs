using System.Text;
using Broker.Cli.CommandLine;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.Cli.ConsumerGroups;

/// <summary>--delete (whole groups) and --delete-offsets (one group's offsets for topics or partitions).</summary>
internal sealed partial class ConsumerGroupsCommand
{
    private async Task<int> DeleteAsync(IAdminClient admin, ParsedOptions options)
    {
        var groups = await GroupIdsAsync(admin, options);
        if (groups.Count == 0) return 0;
        var failed = new List<(string Group, Error Error)>();
        try
        {
            await admin.DeleteGroupsAsync(groups, new DeleteGroupsOptions { RequestTimeout = _timeout });
        }
        catch (DeleteGroupsException e)
        {
            failed.AddRange(e.Results.Where(r => r.Error.IsError).Select(r => (r.Group, r.Error)));
        }

        var succeeded = groups.Where(g => failed.All(f => f.Group != g)).ToList();
        if (failed.Count == 0)
        {
            System.Console.Out.WriteLine($"Deletion of requested consumer groups ({Quoted(succeeded)}) was successful.");
            return 0;
        }

        var text = new StringBuilder("Deletion of some consumer groups failed:\n");
        foreach (var (group, error) in failed) text.Append($"* Group '{group}' could not be deleted due to: {ErrorText(error)}\n");
        if (succeeded.Count > 0) text.Append($"\nThese consumer groups were deleted successfully: {Quoted(succeeded)}\n");
        System.Console.Out.Write(text.ToString());
        return 1;
    }

    private async Task<int> DeleteOffsetsAsync(IAdminClient admin, ParsedOptions options)
    {
        string group = options.Value("group")!;
        var partitions = new List<TopicPartition>();
        var metadata = admin.GetMetadata(_timeout);
        foreach (var (topic, explicitPartitions) in options.Values("topic").Select(ParseTopic))
        {
            if (explicitPartitions is not null) partitions.AddRange(explicitPartitions.Select(p => new TopicPartition(topic, p)));
            else
            {
                var known = metadata.Topics.FirstOrDefault(t => t.Topic == topic && !t.Error.IsError);
                if (known is null) partitions.Add(new TopicPartition(topic, -1));
                else partitions.AddRange(known.Partitions.Select(p => new TopicPartition(topic, p.PartitionId)));
            }
        }

        var results = partitions.ToDictionary(tp => tp, _ => (Error?)null);
        string? topLevel = null;
        var valid = partitions.Where(tp => tp.Partition.Value >= 0).ToList();
        foreach (var tp in partitions.Where(tp => tp.Partition.Value < 0)) results[tp] = new Error(ErrorCode.UnknownTopicOrPart);
        try
        {
            if (valid.Count > 0)
                await admin.DeleteConsumerGroupOffsetsAsync(group, valid, new DeleteConsumerGroupOffsetsOptions { RequestTimeout = _timeout });
        }
        catch (DeleteConsumerGroupOffsetsException e)
        {
            foreach (var p in e.Result.Partitions.Where(p => p.Error.IsError)) results[p.TopicPartition] = p.Error;
            var codes = e.Result.Partitions.Select(p => p.Error.Code).ToHashSet();
            if (e.Error.Code == ErrorCode.GroupIdNotFound || codes.Contains(ErrorCode.GroupIdNotFound)) topLevel = $"'Group {group} not found.'";
            else if (codes.Contains(ErrorCode.GroupSubscribedToTopic) || codes.Contains(ErrorCode.NonEmptyGroup))
                topLevel = $"Deleting offsets of a consumer group '{group}' is forbidden if the group is not empty.";
            else topLevel = $"Encounter some unknown error: {ErrorText(e.Error.IsError ? e.Error : results.Values.First(v => v is not null)!)}";
        }

        if (results.Values.Any(v => v is not null) && topLevel is null) topLevel = "Encounter some partition level error, see the below table";
        var text = new StringBuilder();
        text.Append(topLevel is null ? $"Request succeed for deleting offsets with topic {string.Join(", ", options.Values("topic"))} group {group}\n" : $"\nError: {topLevel}\n");
        text.Append('\n');
        OffsetTable.Line(text, [("TOPIC", 30), ("PARTITION", 15), ("STATUS", 15)]);
        foreach (var (tp, error) in results.OrderBy(r => r.Key.Topic + r.Key.Partition.Value, StringComparer.Ordinal))
        {
            OffsetTable.Line(text, [(tp.Topic, 30), (tp.Partition.Value >= 0 ? OffsetTable.Cell(tp.Partition.Value) : "Not Provided", 15),
                (error is null ? "Successful" : $"Error: {ErrorText(error)}", 15)]);
        }

        System.Console.Out.Write(text.ToString());
        return topLevel is null ? 0 : 1;
    }

    private static string Quoted(IEnumerable<string> groups) => string.Join(", ", groups.Select(g => $"'{g}'"));

    /// <summary>The broker's message, or the client's description of the code when the broker sent none.</summary>
    private static string ErrorText(Error error) => string.IsNullOrEmpty(error.Reason) ? error.Code.ToString() : error.Reason;
}
