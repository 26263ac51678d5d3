using Broker.Cli.CommandLine;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.Cli.ConsumerGroups;

/// <summary>
/// --reset-offsets: computes new committed offsets for inactive groups (Empty or Dead) and prints them; commits them
/// only with --execute. Targets outside [log-start, log-end] are clamped into it, as Kafka does.
/// </summary>
internal sealed partial class ConsumerGroupsCommand
{
    private async Task<int> ResetAsync(IAdminClient admin, ParsedOptions options)
    {
        bool execute = options.Has("execute");
        if (!execute && !options.Has("dry-run"))
            System.Console.Error.WriteLine("WARN: No action will be performed as the --execute option is missing. In a future major release, " +
                                           "the default behavior of this command will be to prompt the user before executing the reset rather " +
                                           "than doing a dry run. You should add the --dry-run option explicitly if you are scripting this " +
                                           "command and want to keep the current default behavior without prompting.");
        var fromFile = options.Value("from-file") is { } path ? ResetFile.Load(path) : null;
        var rows = new List<(string Group, string Topic, int Partition, long Offset)>();
        int exit = 0;
        foreach (string group in await GroupIdsAsync(admin, options))
        {
            var snapshot = await GroupSnapshot.LoadAsync(admin, group, _timeout, withOffsets: false);
            if (snapshot.State is not (ConsumerGroupState.Empty or ConsumerGroupState.Dead))
            {
                System.Console.Error.WriteLine($"\nError: Assignments can only be reset if the group '{group}' is inactive, but the current state is {StateName(snapshot.State)}.");
                exit = 1;
                continue;
            }

            var committed = await CommittedAsync(admin, group);
            var targets = fromFile is not null
                ? fromFile.Where(r => r.Group is null || r.Group == group).ToDictionary(r => new TopicPartition(r.Topic, r.Partition), r => r.Offset)
                : await ComputeTargetsAsync(admin, options, ResetPartitions(admin, options, committed), committed);
            var clamped = await ClampAsync(admin, targets);
            rows.AddRange(clamped.OrderBy(t => t.Key.Topic, StringComparer.Ordinal).ThenBy(t => t.Key.Partition.Value)
                .Select(t => (group, t.Key.Topic, t.Key.Partition.Value, t.Value)));
            if (execute && clamped.Count > 0)
            {
                await admin.AlterConsumerGroupOffsetsAsync(
                    [new ConsumerGroupTopicPartitionOffsets(group, clamped.Select(t => new TopicPartitionOffset(t.Key, t.Value)).ToList())],
                    new AlterConsumerGroupOffsetsOptions { RequestTimeout = _timeout });
            }
        }

        if (options.Has("export"))
            System.Console.Out.Write(string.Concat(rows.Select(r => options.Has("all-groups") || options.Values("group").Count > 1
                ? $"{r.Group},{r.Topic},{r.Partition},{r.Offset}\n" : $"{r.Topic},{r.Partition},{r.Offset}\n")));
        else if (rows.Count > 0) System.Console.Out.Write(OffsetTable.Reset(rows));
        return exit;
    }

    private async Task<Dictionary<TopicPartition, long>> CommittedAsync(IAdminClient admin, string group)
    {
        var offsets = await admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions(group, null)],
            new ListConsumerGroupOffsetsOptions { RequestTimeout = _timeout });
        return offsets.Single().Partitions.Where(p => !p.Error.IsError && p.Offset.Value >= 0)
            .ToDictionary(p => p.TopicPartition, p => p.Offset.Value);
    }

    /// <summary>--all-topics: the partitions the group committed; --topic t: all of t's partitions; --topic t:0,1: those.</summary>
    private List<TopicPartition> ResetPartitions(IAdminClient admin, ParsedOptions options, Dictionary<TopicPartition, long> committed)
    {
        if (options.Has("all-topics")) return committed.Keys.ToList();
        var result = new List<TopicPartition>();
        Metadata? metadata = null;
        foreach (var (topic, partitions) in options.Values("topic").Select(ParseTopic))
        {
            if (partitions is not null)
            {
                result.AddRange(partitions.Select(p => new TopicPartition(topic, p)));
                continue;
            }

            metadata ??= admin.GetMetadata(_timeout);
            var known = metadata.Topics.FirstOrDefault(t => t.Topic == topic && !t.Error.IsError)
                        ?? throw new ArgumentException($"Topic '{topic}' does not exist");
            result.AddRange(known.Partitions.Select(p => new TopicPartition(topic, p.PartitionId)).OrderBy(tp => tp.Partition.Value));
        }

        return result;
    }

    private async Task<Dictionary<TopicPartition, long>> ComputeTargetsAsync(IAdminClient admin, ParsedOptions options,
        List<TopicPartition> partitions, Dictionary<TopicPartition, long> committed)
    {
        if (options.Has("to-earliest")) return await GroupSnapshot.OffsetsAsync(admin, partitions, OffsetSpec.Earliest(), _timeout);
        if (options.Has("to-latest")) return await GroupSnapshot.OffsetsAsync(admin, partitions, OffsetSpec.Latest(), _timeout);
        if (options.Has("to-offset"))
        {
            long offset = LongValue(options, "to-offset");
            return partitions.ToDictionary(tp => tp, _ => offset);
        }

        if (options.Has("to-current") || options.Has("shift-by"))
        {
            long shift = options.Has("shift-by") ? LongValue(options, "shift-by") : 0;
            var missing = partitions.Where(tp => !committed.ContainsKey(tp)).ToList();
            if (shift != 0 && missing.Count > 0)
                throw new ArgumentException($"Cannot shift offset for partition {missing[0].Topic}-{missing[0].Partition.Value} since there is no current committed offset");
            var latest = await GroupSnapshot.OffsetsAsync(admin, missing, OffsetSpec.Latest(), _timeout);
            return partitions.ToDictionary(tp => tp, tp => committed.TryGetValue(tp, out long c) ? c + shift : latest.GetValueOrDefault(tp));
        }

        long timestamp = options.Has("to-datetime")
            ? ResetFile.ParseDateTime(options.Value("to-datetime")!)
            : DateTimeOffset.UtcNow.Subtract(ResetFile.ParseDuration(options.Value("by-duration")!)).ToUnixTimeMilliseconds();
        var byTime = await GroupSnapshot.OffsetsAsync(admin, partitions, OffsetSpec.ForTimestamp(timestamp), _timeout);
        var end = await GroupSnapshot.OffsetsAsync(admin, partitions.Where(tp => byTime.GetValueOrDefault(tp, -1) < 0).ToList(), OffsetSpec.Latest(), _timeout);
        return partitions.ToDictionary(tp => tp, tp => byTime.GetValueOrDefault(tp, -1) is >= 0 and var o ? o : end.GetValueOrDefault(tp));
    }

    /// <summary>Kafka's checkOffsetRange: below the log start → log start, above the log end → log end.</summary>
    private async Task<Dictionary<TopicPartition, long>> ClampAsync(IAdminClient admin, Dictionary<TopicPartition, long> targets)
    {
        var keys = targets.Keys.ToList();
        var earliest = await GroupSnapshot.OffsetsAsync(admin, keys, OffsetSpec.Earliest(), _timeout);
        var latest = await GroupSnapshot.OffsetsAsync(admin, keys, OffsetSpec.Latest(), _timeout);
        var result = new Dictionary<TopicPartition, long>();
        foreach (var (tp, offset) in targets)
        {
            long value = offset;
            if (latest.TryGetValue(tp, out long end) && value > end) value = end;
            if (earliest.TryGetValue(tp, out long start) && value < start) value = start;
            result[tp] = value;
        }

        return result;
    }

    private long LongValue(ParsedOptions options, string name) =>
        long.TryParse(options.Value(name), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out long v)
            ? v
            : throw new UsageException($"Cannot parse argument '{options.Value(name)}' of option {name}", _parser);

    /// <summary><c>topic</c> (all partitions: null) or <c>topic:0,1,2</c>.</summary>
    internal static (string Topic, List<int>? Partitions) ParseTopic(string text)
    {
        int colon = text.LastIndexOf(':');
        if (colon < 0) return (text, null);
        var partitions = text[(colon + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(p => int.TryParse(p, System.Globalization.CultureInfo.InvariantCulture, out int n) && n >= 0
                ? n : throw new UsageException($"Invalid partition '{p}' in --topic {text}")).ToList();
        return (text[..colon], partitions);
    }
}
