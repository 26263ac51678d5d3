using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Cluster;
using Broker.Server.Replication;
using Broker.Storage;

namespace Broker.Server.Metrics;

/// <summary>
/// The high watermarks of partitions led by other brokers, for consumer lag: one ListOffsets (latest,
/// read_uncommitted, as <c>consumer-groups.sh</c> asks) per leader broker, sent in parallel on a short-lived
/// connection at scrape time, bounded by <see cref="Timeout"/>. A leader that cannot be reached, or a partition
/// without a leader, is left out (its lag series is missing from that scrape rather than wrong). Thread-safe.
/// </summary>
public sealed class RemoteEndOffsets(IClusterMetadata cluster, Configuration.BrokerConfig config)
{
    private const short Version = 4;

    /// <summary>How long one leader may take to connect and answer.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(2);

    public async Task<IReadOnlyList<(TopicPartition Partition, long HighWatermark)>> HighWatermarksAsync(IReadOnlyList<TopicPartition> partitions, CancellationToken ct)
    {
        var byLeader = new Dictionary<int, List<TopicPartition>>();
        foreach (var tp in partitions)
        {
            if (!cluster.TryGetTopic(tp.Topic, out var topic)) continue;
            var info = topic.Partitions.FirstOrDefault(p => p.Partition == tp.Partition);
            if (info is null || info.Leader < 0 || info.Leader == cluster.LocalBrokerId) continue;
            if (!byLeader.TryGetValue(info.Leader, out var list)) byLeader[info.Leader] = list = [];
            list.Add(tp);
        }

        var answers = await Task.WhenAll(byLeader.Select(kv => AskAsync(kv.Key, kv.Value, ct))).ConfigureAwait(false);
        return [.. answers.SelectMany(a => a)];
    }

    private async Task<IReadOnlyList<(TopicPartition, long)>> AskAsync(int leader, List<TopicPartition> partitions, CancellationToken ct)
    {
        var node = cluster.Brokers.FirstOrDefault(b => b.Id == leader);
        if (node is null) return [];
        var request = new ListOffsetsRequest { ReplicaId = -1, IsolationLevel = 0 };
        foreach (var g in partitions.GroupBy(p => p.Topic))
        {
            var topic = new ListOffsetsRequest.ListOffsetsTopic { Name = g.Key };
            foreach (var p in g) topic.Partitions.Add(new ListOffsetsRequest.ListOffsetsPartition { PartitionIndex = p.Partition, Timestamp = -1 });
            request.Topics.Add(topic);
        }

        try
        {
            await using var client = await BrokerClient.ConnectToBrokerAsync(config, leader, node.Host, node.Port, $"broker-{cluster.LocalBrokerId}-metrics", Timeout, ct).ConfigureAwait(false);
            var response = await client.SendAsync<ListOffsetsResponse>(request, Version, Timeout, ct).ConfigureAwait(false);
            return [.. response.Topics.SelectMany(t => t.Partitions
                .Where(p => p.ErrorCode == (short)ErrorCode.None && p.Offset >= 0)
                .Select(p => (new TopicPartition(t.Name, p.PartitionIndex), p.Offset)))];
        }
        catch (Exception e) when (e is IOException or TimeoutException or System.Net.Sockets.SocketException or OperationCanceledException or ProtocolException)
        {
            return [];
        }
    }
}
