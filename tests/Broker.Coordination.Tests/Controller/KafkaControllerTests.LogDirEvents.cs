using Broker.Coordination.Controller.Requests;
using Broker.Coordination.ZNodes;
using Broker.TestKit;

namespace Broker.Coordination.Tests.Controller;

// Log dir failures: /log_dir_event_notification, KAFKA_STORAGE_ERROR answers, offline replicas (Kafka's replicasOnOfflineDirs).
public sealed partial class KafkaControllerTests
{
    [Test]
    public async Task LogDirEvent_BrokerAskedAboutAllReplicas_StorageErrorsMoveLeadersAndShrinkIsrs_UntilItRegistersAgain()
    {
        await using var cluster = await ClusterAsync();
        await cluster.RegisterBrokerAsync(1);
        await cluster.RegisterBrokerAsync(2);
        long epoch3 = await cluster.RegisterBrokerAsync(3);
        var channel = new RecordingControllerChannel();
        await cluster.StartActiveControllerAsync(1, channel: channel);
        await cluster.CreateTopicAsync("t", new() { [0] = [3, 1, 2], [1] = [1, 3, 2], [2] = [3, 2, 1] });
        await cluster.WaitForLeaderAsync("t", 0, 3);
        await cluster.WaitForLeaderAsync("t", 1, 1);
        await cluster.WaitForLeaderAsync("t", 2, 3);
        channel.Reset();

        string path = await cluster.Admin.PropagateLogDirEventAsync(3, TimeSpan.FromMilliseconds(100));
        Assert.That(path, Does.StartWith("/log_dir_event_notification/log_dir_event_"));
        await WaitForBatchAsync(channel, b => b.BrokerId == 3 && b.FullLeaderAndIsr && b.LeaderAndIsr.Count == 3, "a LeaderAndIsr for all of broker 3's partitions");
        await Poll.UntilAsync(async () => (await cluster.Admin.GetLogDirEventNotificationsAsync(null)).Count == 0, ControllerHarness.Timeout, "the notification deleted");

        // Broker 3's replicas of partitions 0 and 1 are in the failed dir; partition 2's dir is fine.
        channel.RaiseAnswered(new LeaderAndIsrOutcome(3, epoch3, [("t", 0), ("t", 1)], [("t", 2)]));
        var p0 = (await cluster.WaitForStateAsync("t", 0, s => s.Leader != 3, "a leader other than 3")).State;
        var p1 = (await cluster.WaitForStateAsync("t", 1, s => !s.Isr.Contains(3), "3 out of the ISR")).State;
        var p2 = (await cluster.ReadAsync("t", 2))!.State;
        Assert.Multiple(() =>
        {
            Assert.That((p0.Leader, p0.Isr), Is.EqualTo((1, new[] { 1, 2 })), "the next ISR member leads, the offline replica leaves the ISR");
            Assert.That((p1.Leader, p1.Isr), Is.EqualTo((1, new[] { 1, 2 })), "a follower in the failed dir leaves the ISR, the leader stays");
            Assert.That((p2.Leader, p2.Isr.Order()), Is.EqualTo((3, new[] { 1, 2, 3 })), "the healthy dir's partition is untouched");
        });
        await WaitForBatchAsync(channel, b => b.UpdateMetadata?.Any(p => p.Partition == 0 && p.OfflineReplicas.SequenceEqual(new[] { 3 })) == true,
            "UpdateMetadata listing 3 as offline replica of t-0");

        // Another broker failing keeps the offline replica out: t-0 goes offline rather than to broker 3.
        await cluster.KillBrokerAsync(1);
        await cluster.KillBrokerAsync(2);
        var offline = (await cluster.WaitForStateAsync("t", 0, s => s.Leader == -1, "offline (no online ISR member)")).State;
        Assert.That(offline.Isr, Does.Not.Contain(3));

        // A restarted broker 3 has its dirs back: the controller forgets the offline replicas.
        await cluster.KillBrokerAsync(3);
        channel.Reset();
        await cluster.RegisterBrokerAsync(3);
        await WaitForBatchAsync(channel, b => b.UpdateMetadata?.Any(p => p.Topic == "t" && p.Partition == 1 && p.OfflineReplicas.Length == 2
            && !p.OfflineReplicas.Contains(3)) == true, "t-1 without 3 among its offline replicas once 3 registered again");
    }
}
