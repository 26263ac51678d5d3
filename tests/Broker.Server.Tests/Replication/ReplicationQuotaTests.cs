using Broker.Server.Replication;
using Microsoft.Extensions.Time.Testing;

namespace Broker.Server.Tests.Replication;

/// <summary>The replication throttle's budget and Kafka's throttled-replicas lists.</summary>
[TestFixture]
public sealed class ReplicationQuotaTests
{
    [Test]
    public void Quota_IsExceededAfterSpendingMoreThanTheRate_AndRecoversWithTime()
    {
        var time = new FakeTimeProvider();
        var quota = new ReplicationQuota(() => 1000, time);
        Assert.That(quota.IsExceeded(), Is.False);
        quota.Record(1500);
        Assert.That(quota.IsExceeded(), Is.True, "1500 bytes spent of 0 saved");
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(quota.IsExceeded(), Is.True, "1 s refills 1000 of the 1500");
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(quota.IsExceeded(), Is.False);
        time.Advance(TimeSpan.FromSeconds(60));
        quota.Record(1001);
        Assert.That(quota.IsExceeded(), Is.True, "idle time saves at most one second of the rate");
    }

    [Test]
    public void Quota_WithoutARate_IsNeverExceeded()
    {
        var quota = new ReplicationQuota(() => long.MaxValue, new FakeTimeProvider());
        quota.Record(long.MaxValue / 2);
        Assert.That((quota.IsLimited, quota.IsExceeded()), Is.EqualTo((false, false)));
    }

    [TestCase("0:1,1:2", 1, 2, true)]
    [TestCase("0:1,1:2", 1, 1, false)]
    [TestCase("*", 7, 9, true)]
    [TestCase("", 0, 1, false)]
    [TestCase(" 0:1 , 3:4", 3, 4, true)]
    public void ThrottledReplicas_NamePartitionBrokerPairsOrStar(string value, int partition, int broker, bool expected) =>
        Assert.That(ThrottledReplicas.Contains(value, partition, broker), Is.EqualTo(expected));
}
