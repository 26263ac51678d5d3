using System.Collections.Concurrent;
using Broker.TestKit;
using Broker.TestKit.Brokers;
using Broker.TestKit.ZooKeeper;

namespace Broker.IntegrationTests.Metrics;

/// <summary>
/// /health/ready of a real broker on a real ZooKeeper: 503 while it waits to register (its previous process was
/// killed, so its registration lingers until the old session expires), 200 once registered with its metadata
/// loaded, 503 "shutting down" during the controlled shutdown that SIGTERM starts. /health/live answers 200 throughout.
/// </summary>
[TestFixture]
[Category("Metrics")]
public sealed class ReadinessTests
{
    [Test]
    public async Task Ready_FlipsWithRegistration_AndDuringControlledShutdown()
    {
        await using var zk = await ZooKeeperServer.LaunchAsync();
        int metrics = FreePort.Next();
        using var broker = new BrokerProcess(1, new Dictionary<string, string>
        {
            ["zookeeper.connect"] = zk.ConnectString,
            ["zookeeper.session.timeout.ms"] = "6000",
            ["offsets.topic.replication.factor"] = "1",
            ["metrics.listener"] = $"http://127.0.0.1:{metrics}",
        });
        await broker.StartAsync();
        await UntilReadyAsync(metrics);

        // Killed: its ephemeral registration stays until the session expires; the new process waits for it, listening
        // for metrics but not for clients, and says it is not ready.
        broker.Kill();
        var start = broker.StartAsync();
        (int Status, string Body) seen = (0, "");
        await Poll.UntilAsync(async () => (seen = await Scrape.HealthAsync(metrics, "/health/ready")).Status == 503 || start.IsCompleted,
            TimeSpan.FromSeconds(30), "/health/ready answering 503 while the broker waits to register");
        TestContext.Out.WriteLine($"while registering: {seen}");
        Assert.That(seen.Status, Is.EqualTo(503), "the restarted broker was ready before its stale registration expired");
        Assert.That(seen.Body, Does.StartWith("not ready: starting"));
        Assert.That((await Scrape.HealthAsync(metrics, "/health/live")).Status, Is.EqualTo(200));
        await start;
        await UntilReadyAsync(metrics);

        // SIGTERM: not ready from the start of the controlled shutdown until the endpoint closes with the process.
        var answers = new ConcurrentQueue<(int, string)>();
        using var stop = new CancellationTokenSource();
        var poller = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested) answers.Enqueue(await Scrape.HealthAsync(metrics, "/health/ready"));
        });
        await Poll.UntilAsync(() => !answers.IsEmpty, TimeSpan.FromSeconds(10), "a first readiness answer");
        int exit = await Task.Run(() => broker.Stop());
        await stop.CancelAsync();
        await poller;
        var list = answers.ToList();
        TestContext.Out.WriteLine($"during shutdown: {string.Join(" ", list.Select(a => a.Item1).Distinct())}; exit {exit}");
        Assert.That(exit, Is.EqualTo(0), broker.OutputTail(40));
        // Before SIGTERM readiness may flap (a restarted broker's view catching up with the controller's leadership
        // moves: 503 "not ready: ...", then ready again); from the first "shutting down" on it must never be ready.
        int firstStopping = list.FindIndex(a => a == (503, "not ready: shutting down"));
        Assert.That(list.FindIndex(a => a.Item1 == 200), Is.Not.Negative, "ready before the shutdown");
        if (firstStopping >= 0)
            Assert.That(list.Skip(firstStopping).Select(a => a.Item1), Has.None.EqualTo(200), $"never ready again once shutting down: {string.Join(" ", list)}");
        // The controlled shutdown of a lone broker lasts ~250 ms between the 503s and the endpoint closing; a loaded
        // machine can miss that window entirely (a full-suite run did), so seeing the 503 is reported, not required;
        // BrokerHealthTests checks the state itself.
        if (!list.Any(a => a.Item1 == 503)) TestContext.Out.WriteLine("the 503 window was not observed (the endpoint closed between two scrapes)");
    }

    /// <summary>
    /// The " ready: " log line BrokerProcess waits for comes when the listeners open; the group coordinator and the
    /// replica maintenance start after it, and readiness counts them (a run at load 70 scraped 503 "starting" in between).
    /// </summary>
    private static async Task UntilReadyAsync(int metrics)
    {
        await Poll.UntilAsync(async () => await Scrape.HealthAsync(metrics, "/health/ready") == (200, "ready"),
            TimeSpan.FromSeconds(30), "/health/ready to answer 200 once the broker started");
    }
}
