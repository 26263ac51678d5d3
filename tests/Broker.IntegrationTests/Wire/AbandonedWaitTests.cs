using System.Diagnostics;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.TestKit;
using Broker.TestKit.Brokers;

namespace Broker.IntegrationTests.Wire;

/// <summary>
/// Issue 12: waits have owners and ends. A long poll whose client left releases its socket at once, and a fetch
/// parked with max_wait_ms = 2^31-1 neither outlives the broker's cap nor holds a graceful shutdown.
/// </summary>
[TestFixture]
public sealed class AbandonedWaitTests : SingleBrokerFixture
{
    [Test]
    public async Task AbandonedLongPolls_ReleaseTheirSockets_AsSoonAsTheClientsClose()
    {
        string topic = UniqueTopic("abandoned");
        WireOps.CreateTopic(Broker.Port, topic);
        int pid = Broker.Pid!.Value;
        int baseline = WireOps.OpenFiles(pid);

        const int Polls = 100;
        var clients = new List<RawConnection>();
        for (int i = 0; i < Polls; i++)
        {
            var c = new RawConnection(Broker.Port);
            c.Send(WireOps.Fetch(topic, maxWaitMs: int.MaxValue), 12);
            clients.Add(c);
        }

        // Accepted, not just queued in the kernel's backlog: the broker's descriptors grew by (nearly) 100.
        await Poll.UntilAsync(() => WireOps.OpenFiles(pid) >= baseline + Polls - 5, TimeSpan.FromSeconds(20), "the broker to hold the 100 long polls");
        var ports = clients.Select(c => c.LocalPort).ToList();
        foreach (var c in clients) c.Dispose();

        // Before: each socket stayed open until its fetch ended (24.8 days), until file handles ran out.
        // Checked on the broker's ends of these very connections in the kernel's TCP table: a count of open files also
        // moves with the log files and assemblies the broker maps meanwhile.
        await Poll.UntilAsync(() => !WireOps.HeldClientPorts(Broker.Port).Overlaps(ports), TimeSpan.FromSeconds(20),
            "the broker to release every long poll's socket once its client closed");
        WireOps.AssertServes(Broker.Port);
    }

    [Test]
    public async Task LongPoll_AskingForMaxWait_IsAnsweredAtTheCap()
    {
        // The fixture's broker has the default cap (30 s); this test uses its own broker with a short cap.
        using var broker = new BrokerProcess(0, new Dictionary<string, string> { ["fetch.max.wait.cap.ms"] = "500" });
        await broker.StartAsync();
        string topic = UniqueTopic("capped");
        WireOps.CreateTopic(broker.Port, topic);
        using var c = new RawConnection(broker.Port);
        var watch = Stopwatch.StartNew();
        var response = c.RoundTrip<FetchResponse>(WireOps.Fetch(topic, maxWaitMs: int.MaxValue), 12);
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), "answered at the cap, not after 24.8 days");
        Assert.That(response.Responses.Single().Partitions.Single().ErrorCode, Is.EqualTo((short)ErrorCode.None));
        WireOps.AssertServes(broker.Port);
    }

    [Test]
    public async Task Shutdown_WithAnAbandonedMaxWaitFetch_CompletesWithinBound()
    {
        using var broker = new BrokerProcess(0);
        await broker.StartAsync();
        string topic = UniqueTopic("shutdown");
        WireOps.CreateTopic(broker.Port, topic);
        // The client sends a long poll and never reads or closes: an abandoned wait that only the broker can end.
        using var c = new RawConnection(broker.Port);
        c.Send(WireOps.Fetch(topic, maxWaitMs: int.MaxValue), 12);
        WireOps.AssertServes(broker.Port);

        var watch = Stopwatch.StartNew();
        int exit = broker.Stop(TimeSpan.FromSeconds(40));
        // Before: the fetch held the shutdown (a 45 s fetch held it 44.7 s; max wait: until the host's timeout).
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(8)), broker.OutputTail());
        Assert.That(exit, Is.EqualTo(0));
    }
}
