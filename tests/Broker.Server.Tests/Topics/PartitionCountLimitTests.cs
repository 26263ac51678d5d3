using Broker.Server.Topics;

namespace Broker.Server.Tests.Topics;

/// <summary>The partition-count limit derives from open-file headroom: (soft limit - a quarter - open) / 3.</summary>
public sealed class PartitionCountLimitTests
{
    [Test]
    public void Limit_IsTheHeadroomDividedByFilesPerPartition()
    {
        var limit = new PartitionCountLimit(() => (20_000, 300));
        Assert.That(limit.Current(out _), Is.EqualTo((20_000 - 5_000 - 300) / 3));
        Assert.That(limit.Check(4_900), Is.Null);
        Assert.That(limit.Check(4_901), Does.Contain("exceeds this broker's limit of 4900").And.Contain("open-file limit 20000, 300 open"));
    }

    [Test]
    public void NoHeadroomLeft_StillAllowsOnePartition_AndUnreadableLimitsFallBack()
    {
        Assert.That(new PartitionCountLimit(() => (1_024, 2_000)).Current(out _), Is.EqualTo(1));
        Assert.That(new PartitionCountLimit(() => null).Current(out _), Is.EqualTo(PartitionCountLimit.FallbackLimit));
    }

    [Test]
    public void ThisProcess_HasAReadableLimit()
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("reads /proc");
        int current = new PartitionCountLimit().Current(out string basis);
        Assert.That(basis, Does.StartWith("open-file limit"));
        Assert.That(current, Is.GreaterThan(0).And.LessThan(int.MaxValue - 1));
    }
}
