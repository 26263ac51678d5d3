namespace Broker.IntegrationTests.Cluster;

/// <summary>
/// SIGTERM in ZooKeeper mode: controlled shutdown while the listeners still serve, then the listeners stop, and only
/// then the ZooKeeper session closes. Closing the session first let another broker be elected while this one still
/// acknowledged (acks=1) writes.
/// </summary>
[TestFixture]
public sealed class ShutdownOrderTests
{
    [Test]
    public async Task Sigterm_HandsOver_ThenStopsServing_ThenClosesTheZooKeeperSession()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        string topic = "order-" + Guid.NewGuid().ToString("N")[..8];
        await cluster.CreateTopicAsync(topic, 2, 2);
        var broker = cluster.Broker(1);

        int exit = broker.Stop();
        Assert.That(exit, Is.EqualTo(0), "exit code after SIGTERM:\n" + broker.OutputTail(60));

        var lines = broker.Output.ToList();
        int Last(string text) => lines.FindLastIndex(l => l.Contains(text, StringComparison.Ordinal));
        int handedOver = Last("Controlled shutdown of broker 1 succeeded");
        int stoppedAccepting = Last("Stopped accepting on");
        int sessionClosed = Last("-> Closed");
        string where = string.Join('\n', lines.TakeLast(40));
        Assert.Multiple(() =>
        {
            Assert.That(handedOver, Is.Not.Negative, $"controlled shutdown succeeded:\n{where}");
            Assert.That(stoppedAccepting, Is.GreaterThan(handedOver), $"listeners stop after the hand-over:\n{where}");
            Assert.That(sessionClosed, Is.GreaterThan(stoppedAccepting), $"the ZooKeeper session closes after the listeners stopped:\n{where}");
        });
    }
}
