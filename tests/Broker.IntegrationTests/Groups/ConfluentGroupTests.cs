using System.Diagnostics;
using Broker.TestKit;

namespace Broker.IntegrationTests.Groups;

/// <summary>Consumer groups with Confluent.Kafka 2.16 members and a killable confluent_kafka (Debian) member.</summary>
[TestFixture]
public sealed class ConfluentGroupTests : SingleBrokerFixture
{
    private static readonly int[] AllSix = [0, 1, 2, 3, 4, 5];

    protected override IDictionary<string, string> Settings => GroupTestSupport.Settings;

    [Test]
    public async Task ThreeMembers_SixPartitions_EachPartitionOwnedOnce_EachMessageConsumedOnce()
    {
        string topic = UniqueTopic("grp-three");
        string group = "g-" + topic;
        await GroupTestSupport.CreateTopicAsync(Bootstrap, topic, 6);
        var members = Enumerable.Range(0, 3).Select(i => new RunningConsumer(Bootstrap, group, topic, $"member-{i}")).ToList();
        try
        {
            await Poll.UntilAsync(() => members.All(m => m.Assigned.Count == 2) && members.SelectMany(m => m.Assigned).Order().SequenceEqual(AllSix),
                TimeSpan.FromSeconds(60), "three members owning two partitions each");
            await GroupTestSupport.ProduceAsync(Bootstrap, topic, 6, 0, 600);
            await Poll.UntilAsync(() => members.Sum(m => m.Consumed.Count) >= 600, TimeSpan.FromSeconds(60), "600 messages consumed");
            var all = members.SelectMany(m => m.Consumed).ToList();
            Assert.That(all, Has.Count.EqualTo(600));
            Assert.That(all.Select(c => c.Value).Distinct().Count(), Is.EqualTo(600));
            foreach (var m in members)
                Assert.That(m.Consumed.Select(c => c.Partition).Distinct(), Is.SubsetOf(m.Assigned), "a member only reads its partitions");
        }
        finally
        {
            foreach (var m in members) m.Close();
            foreach (var m in members) m.Dispose();
        }
    }

    [Test]
    public async Task KilledMember_SurvivorsTakeOverFromItsCommits_AfterSessionTimeout_ThenCleanLeaveRebalancesQuickly()
    {
        string topic = UniqueTopic("grp-kill");
        string group = "g-" + topic;
        await GroupTestSupport.CreateTopicAsync(Bootstrap, topic, 6);
        string script = Path.Combine(AppContext.BaseDirectory, "Python", "committing_consumer.py");
        using var killable = new ChildProcess(ExternalProcess.DebianPython, [script, Bootstrap, topic, group, "6000"]);
        using var a = new RunningConsumer(Bootstrap, group, topic, "survivor-a");
        using var b = new RunningConsumer(Bootstrap, group, topic, "survivor-b");
        IReadOnlyList<int> KillableAssigned() =>
            killable.Lines.LastOrDefault(l => l.StartsWith("assigned", StringComparison.Ordinal)) is { } line && line.Length > 9
                ? line[9..].Split(',').Select(int.Parse).ToList() : [];
        await Poll.UntilAsync(() => KillableAssigned().Count == 2 && a.Assigned.Count == 2 && b.Assigned.Count == 2
                && a.Assigned.Concat(b.Assigned).Concat(KillableAssigned()).Order().SequenceEqual(AllSix),
            TimeSpan.FromSeconds(60), "three members owning two partitions each");

        await GroupTestSupport.ProduceAsync(Bootstrap, topic, 6, 0, 300);
        var killedPartitions = KillableAssigned();
        await Poll.UntilAsync(() => a.Consumed.Count + b.Consumed.Count + killable.Lines.Count(l => l.StartsWith("committed", StringComparison.Ordinal)) >= 300,
            TimeSpan.FromSeconds(60), "300 messages consumed and committed");
        var committedByKilled = killable.Lines.Where(l => l.StartsWith("committed", StringComparison.Ordinal))
            .Select(l => l.Split(' ')).GroupBy(f => int.Parse(f[1])).ToDictionary(g => g.Key, g => g.Max(f => long.Parse(f[2])));
        Assert.That(committedByKilled.Keys, Is.EquivalentTo(killedPartitions));

        int beforeA = a.Consumed.Count, beforeB = b.Consumed.Count;
        killable.Kill();
        var sinceKill = Stopwatch.StartNew();
        await GroupTestSupport.ProduceAsync(Bootstrap, topic, 6, 300, 300);
        await Poll.UntilAsync(() => a.Assigned.Concat(b.Assigned).Order().SequenceEqual(AllSix), TimeSpan.FromSeconds(60), "survivors owning all partitions");
        var killRebalance = sinceKill.Elapsed;
        await Poll.UntilAsync(() => a.Consumed.Count + b.Consumed.Count - beforeA - beforeB >= 300, TimeSpan.FromSeconds(60), "the second 300 consumed");

        var afterKill = a.Consumed.Skip(beforeA).Concat(b.Consumed.Skip(beforeB)).ToList();
        Assert.That(afterKill.Where(c => committedByKilled.TryGetValue(c.Partition, out long next) && c.Offset < next), Is.Empty,
            "nothing the killed member committed is consumed again");
        Assert.That(afterKill.Select(c => c.Value).Distinct().Count(), Is.EqualTo(300));

        var sinceLeave = Stopwatch.StartNew();
        b.Close();
        await Poll.UntilAsync(() => a.Assigned.SequenceEqual(AllSix), TimeSpan.FromSeconds(60), "the last member owning all partitions");
        var leaveRebalance = sinceLeave.Elapsed;
        TestContext.Progress.WriteLine($"REBALANCE after kill -9: {killRebalance.TotalMilliseconds:0} ms (session.timeout.ms=6000); after clean leave: {leaveRebalance.TotalMilliseconds:0} ms");
        Assert.That(killRebalance, Is.GreaterThan(TimeSpan.FromSeconds(4)), "the killed member is only noticed by its session timeout");
    }
}
