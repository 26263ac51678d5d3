using Broker.Coordination.Controller;
using Broker.Coordination.ZNodes;
using Broker.TestKit;
using Broker.TestKit.ZooKeeper;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Coordination.Tests.Controller;

/// <summary>The broker's registration across a ZooKeeper session expiry, against a real server behind a fault proxy.</summary>
[TestFixture]
[Parallelizable(ParallelScope.Children)]
public sealed class BrokerRegistrationTests
{
    private static readonly BrokerIdZNode Broker1 = new(1, [new BrokerEndpoint("PLAINTEXT", "localhost", 9001)], null, 0);

    [Test]
    public async Task SessionExpiry_FirstReregistrationFails_RetriesUntilRegistered_WithANewEpochThatControlledShutdownAccepts()
    {
        await using var cluster = await ControllerHarness.StartAsync();
        await cluster.RegisterBrokerAsync(2);
        var controller = await cluster.StartActiveControllerAsync(2);
        await using var proxy = new TcpFaultProxy(cluster.ServerPort);
        await using var client = await cluster.ConnectAsync(proxy.ConnectString, TimeSpan.FromSeconds(1)); // the minimum: expires fast
        using var registration = new BrokerRegistration(new KafkaZkStore(client), Broker1, TimeSpan.FromSeconds(1), NullLogger<BrokerRegistration>.Instance);
        await registration.RegisterAsync(CancellationToken.None);
        long firstEpoch = registration.BrokerEpoch;
        Assert.That(registration.IsRegistered, Is.True);

        // Partition the broker until ZooKeeper expires its session; then, before it can come back, another session
        // holds /brokers/ids/1 with the same endpoints (a registration it must wait out), longer than one attempt waits.
        proxy.Block();
        await Poll.UntilAsync(async () => await cluster.Admin.GetBrokerAsync(1) is null, ControllerHarness.Timeout, "the partitioned session to expire");
        await using (var holder = await cluster.ConnectAsync())
        {
            await new KafkaZkStore(holder).RegisterBrokerAsync(Broker1);
            proxy.Unblock();
            await Poll.UntilAsync(() => registration.FailedAttempts >= 1, ControllerHarness.Timeout, "the first re-registration attempt to give up");
            Assert.That(registration.IsRegistered, Is.False, "not registered while another session holds the node");
        } // the holder's session closes: its node goes

        await Poll.UntilAsync(() => registration.IsRegistered, ControllerHarness.Timeout, "the broker to be registered again");
        var node = await cluster.Admin.GetBrokerAsync(1);
        Assert.Multiple(() =>
        {
            Assert.That(node!.Value.Stat.EphemeralOwner, Is.EqualTo(client.SessionId), "registered in the broker's new session");
            Assert.That(registration.BrokerEpoch, Is.EqualTo(node.Value.Stat.Czxid), "the broker epoch is the new node's czxid");
            Assert.That(registration.BrokerEpoch, Is.GreaterThan(firstEpoch));
        });

        // Controlled shutdown asks with the registration's current epoch: the controller accepts it, and refuses the old one.
        Assert.ThrowsAsync<StaleBrokerEpochException>(() => controller.ControlledShutdownAsync(1, firstEpoch, CancellationToken.None));
        Assert.DoesNotThrowAsync(() => controller.ControlledShutdownAsync(1, registration.BrokerEpoch, CancellationToken.None));
    }

    [Test]
    public async Task CreateReplyLost_NodeAlreadyOurs_EpochIsItsCzxid()
    {
        await using var cluster = await ControllerHarness.StartAsync();
        await using var client = await cluster.ConnectAsync();
        var store = new KafkaZkStore(client);
        long created = await store.RegisterBrokerAsync(Broker1); // what an attempt whose reply was lost left behind
        using var registration = new BrokerRegistration(store, Broker1, TimeSpan.FromSeconds(1), NullLogger<BrokerRegistration>.Instance);

        await registration.RegisterAsync(CancellationToken.None);

        Assert.That((registration.BrokerEpoch, registration.IsRegistered), Is.EqualTo((created, true)));
    }
}
