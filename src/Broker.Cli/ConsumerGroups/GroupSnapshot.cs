using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.Cli.ConsumerGroups;

/// <summary>
/// What one describe round learned about a group: its description (state, members, coordinator), its committed
/// offsets (partitions without a commit absent) and the log-end offset (high watermark) of every partition involved.
/// Immutable after <see cref="LoadAsync"/>.
/// </summary>
internal sealed class GroupSnapshot
{
    private GroupSnapshot(string group, ConsumerGroupDescription description, Dictionary<TopicPartition, long> committed,
        Dictionary<TopicPartition, long> logEnd)
    {
        Group = group;
        Description = description;
        Committed = committed;
        LogEnd = logEnd;
    }

    public string Group { get; }

    public ConsumerGroupDescription Description { get; }

    public IReadOnlyDictionary<TopicPartition, long> Committed { get; }

    public IReadOnlyDictionary<TopicPartition, long> LogEnd { get; }

    public ConsumerGroupState State => Description.State;

    public static async Task<GroupSnapshot> LoadAsync(IAdminClient admin, string group, TimeSpan timeout, bool withOffsets)
    {
        var description = await DescribeAsync(admin, group, timeout);
        var committed = new Dictionary<TopicPartition, long>();
        var logEnd = new Dictionary<TopicPartition, long>();
        if (!withOffsets || description.State == ConsumerGroupState.Dead) return new GroupSnapshot(group, description, committed, logEnd);

        var offsets = await admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions(group, null)],
            new ListConsumerGroupOffsetsOptions { RequestTimeout = timeout });
        foreach (var tpo in offsets.Single().Partitions)
        {
            if (tpo.Error.IsError || tpo.Offset.Value < 0) continue;
            committed[tpo.TopicPartition] = tpo.Offset.Value;
        }

        var partitions = description.Members.SelectMany(m => m.Assignment?.TopicPartitions ?? []).Concat(committed.Keys).Distinct().ToList();
        foreach (var (tp, offset) in await OffsetsAsync(admin, partitions, OffsetSpec.Latest(), timeout)) logEnd[tp] = offset;
        return new GroupSnapshot(group, description, committed, logEnd);
    }

    /// <summary>
    /// DescribeConsumerGroups, retried while the group's coordinator is moving or still loading its partition
    /// (COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR), as Kafka's AdminClient retries
    /// them, until <paramref name="timeout"/>.
    /// </summary>
    private static async Task<ConsumerGroupDescription> DescribeAsync(IAdminClient admin, string group, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return (await admin.DescribeConsumerGroupsAsync([group], new DescribeConsumerGroupsOptions { RequestTimeout = timeout }))
                    .ConsumerGroupDescriptions.Single();
            }
            catch (DescribeConsumerGroupsException e) when (DateTime.UtcNow < deadline
                && e.Results.ConsumerGroupDescriptions.Any(r => r.Error.Code is ErrorCode.GroupLoadInProgress or ErrorCode.GroupCoordinatorNotAvailable or ErrorCode.NotCoordinatorForGroup))
            {
                await Task.Delay(200);
            }
        }
    }

    /// <summary>ListOffsets for each partition; partitions that failed (e.g. deleted topics) are left out.</summary>
    public static async Task<Dictionary<TopicPartition, long>> OffsetsAsync(IAdminClient admin, IReadOnlyCollection<TopicPartition> partitions,
        OffsetSpec spec, TimeSpan timeout)
    {
        var result = new Dictionary<TopicPartition, long>();
        if (partitions.Count == 0) return result;
        List<ListOffsetsResultInfo> infos;
        try
        {
            infos = (await admin.ListOffsetsAsync(partitions.Select(tp => new TopicPartitionOffsetSpec { TopicPartition = tp, OffsetSpec = spec }),
                new ListOffsetsOptions { RequestTimeout = timeout })).ResultInfos;
        }
        catch (ListOffsetsException e)
        {
            infos = e.Result.ResultInfos;
        }

        foreach (var info in infos)
        {
            var tpoe = info.TopicPartitionOffsetError;
            if (!tpoe.Error.IsError) result[tpoe.TopicPartition] = tpoe.Offset.Value;
        }

        return result;
    }

    /// <summary>
    /// Kafka's row order: members with assignments (most partitions first; each member's partitions by partition id),
    /// then committed partitions no member owns (by topic, partition), with <c>-</c> for the member columns.
    /// </summary>
    public List<OffsetRow> OffsetRows()
    {
        var rows = new List<OffsetRow>();
        var assigned = new HashSet<TopicPartition>();
        foreach (var member in Description.Members.Where(m => m.Assignment?.TopicPartitions.Count > 0)
                     .OrderByDescending(m => m.Assignment.TopicPartitions.Count))
        {
            foreach (var tp in member.Assignment.TopicPartitions.OrderBy(tp => tp.Partition.Value))
            {
                assigned.Add(tp);
                rows.Add(Row(tp, member.ConsumerId, member.Host, member.ClientId));
            }
        }

        foreach (var tp in Committed.Keys.Where(tp => !assigned.Contains(tp))
                     .OrderBy(tp => tp.Topic, StringComparer.Ordinal).ThenBy(tp => tp.Partition.Value))
            rows.Add(Row(tp, OffsetTable.Missing, OffsetTable.Missing, OffsetTable.Missing));
        return rows;
    }

    private OffsetRow Row(TopicPartition tp, string consumerId, string host, string clientId) =>
        new(Group, tp.Topic, tp.Partition.Value, Committed.TryGetValue(tp, out long c) ? c : null,
            LogEnd.TryGetValue(tp, out long e) ? e : null, consumerId, host, clientId);
}
