using System.Text.Json;
using Confluent.Kafka.Admin;

namespace Broker.Cli.ConsumerGroups;

/// <summary>
/// <c>--output json</c> (Broker.Cli extension): the same facts as the text views, one JSON document per run, with
/// camelCase names and null for Kafka's <c>-</c>. Pure functions; thread-safe.
/// </summary>
internal static class GroupJson
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static string List(IEnumerable<ConsumerGroupListing> groups) =>
        JsonSerializer.Serialize(groups.Select(g => new { group = g.GroupId, state = ConsumerGroupsCommand.StateName(g.State) }), Options);

    public static string Describe(IEnumerable<GroupSnapshot> snapshots) =>
        JsonSerializer.Serialize(snapshots.Select(s =>
        {
            var rows = s.OffsetRows();
            return new
            {
                group = s.Group,
                state = ConsumerGroupsCommand.StateName(s.State),
                members = s.Description.Members.Select(m => new
                {
                    consumerId = m.ConsumerId, clientId = m.ClientId, host = m.Host,
                    assignment = (m.Assignment?.TopicPartitions ?? []).Select(tp => new { topic = tp.Topic, partition = tp.Partition.Value }),
                }),
                offsets = rows.Select(r => new
                {
                    topic = r.Topic, partition = r.Partition, currentOffset = r.CurrentOffset, logEndOffset = r.LogEndOffset, lag = r.Lag,
                    consumerId = r.ConsumerId == OffsetTable.Missing ? null : r.ConsumerId,
                }),
                totalLag = rows.Sum(r => r.Lag ?? 0),
            };
        }), Options);
}
