using System.Text;
using Broker.Cli.CommandLine;
using Confluent.Kafka;

namespace Broker.Cli.ConsumerGroups;

/// <summary>--describe: the offsets (default), --members [--verbose] or --state view of each group.</summary>
internal sealed partial class ConsumerGroupsCommand
{
    private async Task<int> DescribeLoopAsync(IAdminClient admin, ParsedOptions options)
    {
        int? watch = options.IntValue("watch", _parser);
        if (watch is null) return await DescribeAsync(admin, options);
        if (watch < 1) throw new UsageException("Option [watch] takes a positive number of seconds", _parser);

        using var stop = new CancellationTokenSource();
        System.Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        while (!stop.IsCancellationRequested)
        {
            await DescribeAsync(admin, options);
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(watch.Value), stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }

        return 0;
    }

    private async Task<int> DescribeAsync(IAdminClient admin, ParsedOptions options)
    {
        bool members = options.Has("members");
        bool state = options.Has("state");
        var snapshots = new List<GroupSnapshot>();
        foreach (string group in await GroupIdsAsync(admin, options))
            snapshots.Add(await GroupSnapshot.LoadAsync(admin, group, _timeout, withOffsets: !members && !state));

        if (options.Value("output") == "json")
        {
            System.Console.Out.WriteLine(GroupJson.Describe(snapshots));
            return 0;
        }

        foreach (var snapshot in snapshots)
        {
            if (members) PrintMembers(snapshot, options.Has("verbose"));
            else if (state) PrintState(snapshot);
            else PrintOffsets(snapshot, options.Has("total-lag"));
        }

        return 0;
    }

    private static void PrintOffsets(GroupSnapshot snapshot, bool totalLag)
    {
        var rows = snapshot.OffsetRows();
        if (!ShouldPrint(snapshot, rows.Count)) return;
        System.Console.Out.Write(OffsetTable.Offsets(rows));
        if (totalLag) System.Console.Out.WriteLine($"TOTAL-LAG {rows.Sum(r => r.Lag ?? 0)}");
    }

    private static void PrintMembers(GroupSnapshot snapshot, bool verbose)
    {
        var list = snapshot.Description.Members;
        if (!ShouldPrint(snapshot, list.Count)) return;
        bool instanceIds = list.Any(m => !string.IsNullOrEmpty(m.GroupInstanceId));
        int g = OffsetTable.Width(15, [snapshot.Group]);
        int c = OffsetTable.Width(15, list.Select(m => m.ConsumerId));
        int h = OffsetTable.Width(15, list.Select(m => m.Host));
        int cl = OffsetTable.Width(15, list.Select(m => m.ClientId));
        var text = new StringBuilder("\n");
        void Row(string group, string consumer, string instance, string host, string client, string count, string? assignment)
        {
            var cells = new List<(string, int)> { (group, g), (consumer, c) };
            if (instanceIds) cells.Add((instance, 17));
            cells.AddRange([(host, h), (client, cl), (count, 15), (assignment ?? "", 0)]);
            OffsetTable.Line(text, cells.ToArray());
        }

        Row("GROUP", "CONSUMER-ID", "GROUP-INSTANCE-ID", "HOST", "CLIENT-ID", "#PARTITIONS", verbose ? "ASSIGNMENT" : null);
        foreach (var m in list)
        {
            var partitions = m.Assignment?.TopicPartitions ?? [];
            Row(snapshot.Group, m.ConsumerId, OffsetTable.Cell(string.IsNullOrEmpty(m.GroupInstanceId) ? null : m.GroupInstanceId), m.Host,
                m.ClientId, partitions.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), verbose ? AssignmentText(partitions) : null);
        }

        System.Console.Out.Write(text.ToString());
    }

    /// <summary>Kafka's verbose assignment: <c>t1(0,1), t2(0)</c>, topics sorted, <c>-</c> when empty.</summary>
    private static string AssignmentText(IReadOnlyCollection<TopicPartition> partitions) =>
        partitions.Count == 0
            ? OffsetTable.Missing
            : string.Join(", ", partitions.GroupBy(tp => tp.Topic)
                .Select(t => t.Key + "(" + string.Join(",", t.Select(tp => tp.Partition.Value).Order()) + ")").Order(StringComparer.Ordinal));

    private static void PrintState(GroupSnapshot snapshot)
    {
        if (!ShouldPrint(snapshot, 1)) return;
        var d = snapshot.Description;
        string coordinator = d.Coordinator is { } n ? $"{n.Host}:{n.Port} ({n.Id})" : OffsetTable.Missing;
        int g = OffsetTable.Width(15, [snapshot.Group]);
        int c = OffsetTable.Width(25, [coordinator]);
        var text = new StringBuilder("\n");
        OffsetTable.Line(text, [("GROUP", g), ("COORDINATOR (ID)", c), ("ASSIGNMENT-STRATEGY", 20), ("STATE", 15), ("#MEMBERS", 0)]);
        OffsetTable.Line(text, [(snapshot.Group, g), (coordinator, c), (string.IsNullOrEmpty(d.PartitionAssignor) ? "" : d.PartitionAssignor, 20),
            (StateName(d.State), 15), (d.Members.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), 0)]);
        System.Console.Out.Write(text.ToString());
    }

    /// <summary>Kafka's shouldPrintMemberState: the state notices on stderr; false when there is nothing to show.</summary>
    private static bool ShouldPrint(GroupSnapshot snapshot, int rows)
    {
        switch (snapshot.State)
        {
            case ConsumerGroupState.Dead:
                System.Console.Error.WriteLine($"Error: Consumer group '{snapshot.Group}' does not exist.");
                return false;
            case ConsumerGroupState.Empty:
                System.Console.Error.WriteLine($"\nConsumer group '{snapshot.Group}' has no active members.");
                break;
            case ConsumerGroupState.PreparingRebalance or ConsumerGroupState.CompletingRebalance:
                System.Console.Error.WriteLine($"\nWarning: Consumer group '{snapshot.Group}' is rebalancing.");
                break;
        }

        return rows > 0;
    }

    /// <summary>Kafka's state names (ConsumerGroupState.toString).</summary>
    internal static string StateName(ConsumerGroupState state) => state switch
    {
        ConsumerGroupState.PreparingRebalance => "PreparingRebalance",
        ConsumerGroupState.CompletingRebalance => "CompletingRebalance",
        ConsumerGroupState.Stable => "Stable",
        ConsumerGroupState.Dead => "Dead",
        ConsumerGroupState.Empty => "Empty",
        _ => "Unknown",
    };
}
