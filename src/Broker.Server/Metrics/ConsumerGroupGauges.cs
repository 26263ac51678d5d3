using System.Globalization;
using Broker.Protocol;
using Broker.Server.Groups;
using Broker.Storage;
using Broker.Server.Partitions;
using Prometheus;

namespace Broker.Server.Metrics;

/// <summary>
/// Consumer-group and partition offsets with kafka_exporter's names, computed at scrape time:
/// <c>kafka_topic_partition_current_offset</c> / <c>kafka_topic_partition_oldest_offset</c> {topic,partition} for the
/// partitions this broker leads (high watermark, log start offset: what ListOffsets latest/earliest answer), and
/// <c>kafka_consumergroup_current_offset</c> / <c>kafka_consumergroup_lag</c> {consumergroup,topic,partition} for the
/// groups this broker coordinates. Lag = the partition's high watermark minus the committed offset (floored at 0),
/// as <c>consumer-groups.sh --describe</c> computes it; the high watermark comes from the local leader, else from
/// the partition's leader through <see cref="RemoteEndOffsets"/> (one ListOffsets per leader broker per scrape). A
/// partition whose end offset cannot be learned has no lag series in that scrape. Each broker exports what it leads
/// and coordinates, so the union over brokers is complete, without duplicates.
/// </summary>
public sealed class ConsumerGroupGauges
{
    private readonly ReplicaManager _replicas;
    private readonly GroupCoordinator _groups;
    private readonly RemoteEndOffsets? _remote;
    private readonly ScrapeGauge _partitionCurrent, _partitionOldest, _groupCurrent, _groupLag, _groupMembers;

    public ConsumerGroupGauges(BrokerMetrics metrics, ReplicaManager replicas, GroupCoordinator groups, RemoteEndOffsets? remote = null)
    {
        _replicas = replicas;
        _groups = groups;
        _remote = remote;
        var f = metrics.Factory;
        _partitionCurrent = new(f.CreateGauge("kafka_topic_partition_current_offset", "High watermark of a partition led by this broker.", ["topic", "partition"]));
        _partitionOldest = new(f.CreateGauge("kafka_topic_partition_oldest_offset", "Log start offset of a partition led by this broker.", ["topic", "partition"]));
        _groupCurrent = new(f.CreateGauge("kafka_consumergroup_current_offset", "Committed offset of a group coordinated by this broker.", ["consumergroup", "topic", "partition"]));
        _groupLag = new(f.CreateGauge("kafka_consumergroup_lag", "High watermark minus committed offset of a group coordinated by this broker.", ["consumergroup", "topic", "partition"]));
        _groupMembers = new(f.CreateGauge("kafka_consumergroup_members", "Members of a group coordinated by this broker.", ["consumergroup"]));
        metrics.Registry.AddBeforeCollectCallback(CollectAsync);
    }

    private async Task CollectAsync(CancellationToken ct)
    {
        _partitionCurrent.Begin();
        _partitionOldest.Begin();
        var endOffsets = new Dictionary<TopicPartition, long>();
        foreach (var p in _replicas.All)
        {
            if (!p.IsLeader) continue;
            long hw = p.HighWatermark;
            endOffsets[p.Id] = hw;
            string partition = p.Id.Partition.ToString(CultureInfo.InvariantCulture);
            _partitionCurrent.Set(hw, p.Id.Topic, partition);
            _partitionOldest.Set(p.Log.LogStartOffset, p.Id.Topic, partition);
        }

        _partitionCurrent.End();
        _partitionOldest.End();

        var committed = new List<(string Group, FetchedOffset Offset)>();
        _groupMembers.Begin();
        var (_, listing) = _groups.ListGroups();
        foreach (var g in listing)
        {
            if (g.ProtocolType is not ("consumer" or "")) continue;
            var (error, offsets) = _groups.FetchOffsets(g.GroupId, null);
            if (error != ErrorCode.None) continue;
            foreach (var o in offsets) if (o.Offset >= 0) committed.Add((g.GroupId, o));
            _groupMembers.Set(_groups.DescribeGroup(g.GroupId).Members.Count, g.GroupId);
        }

        _groupMembers.End();
        if (_remote is not null)
        {
            var missing = committed.Select(c => new TopicPartition(c.Offset.Topic, c.Offset.Partition)).Where(tp => !endOffsets.ContainsKey(tp)).Distinct().ToList();
            if (missing.Count > 0)
                foreach (var (tp, end) in await _remote.HighWatermarksAsync(missing, ct).ConfigureAwait(false)) endOffsets[tp] = end;
        }

        _groupCurrent.Begin();
        _groupLag.Begin();
        foreach (var (group, o) in committed)
        {
            string partition = o.Partition.ToString(CultureInfo.InvariantCulture);
            _groupCurrent.Set(o.Offset, group, o.Topic, partition);
            if (endOffsets.TryGetValue(new TopicPartition(o.Topic, o.Partition), out long end))
                _groupLag.Set(Math.Max(0, end - o.Offset), group, o.Topic, partition);
        }

        _groupCurrent.End();
        _groupLag.End();
    }
}
