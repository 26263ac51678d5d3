using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.TestKit;

namespace Broker.IntegrationTests.Wire;

/// <summary>
/// Issue 12, found by the fuzzer (connections holding a JoinGroup stayed open after the client left): a JoinGroup
/// parked in a rebalance ends with its connection, as a long poll does. Before the fix the handler waited for the
/// rebalance (up to the rebalance timeout a client chooses, 2^31-1 ms in a mutated frame) and the socket stayed open
/// that long after the client closed it.
/// </summary>
[TestFixture]
public sealed class AbandonedGroupWaitTests : SingleBrokerFixture
{
    private static JoinGroupRequest Join(string group) => new()
    {
        GroupId = group,
        SessionTimeoutMs = 30_000,
        RebalanceTimeoutMs = 30_000,
        MemberId = "",
        ProtocolType = "consumer",
        Protocols = [new JoinGroupRequest.JoinGroupProtocol { Name = "range", Metadata = new byte[] { 0, 1 } }],
    };

    [Test]
    public async Task JoinGroupParkedInARebalance_ReleasesItsSocket_WhenTheClientCloses()
    {
        string group = UniqueTopic("abandoned-join");
        using var first = new RawConnection(Broker.Port);
        // The first member: answered once the offsets partition is loaded and the initial rebalance delay passed.
        short lastError = -2;
        await Poll.UntilAsync(() =>
        {
            // FindCoordinator creates the offsets topic on first use; JoinGroup answers once its partition is loaded.
            if (first.RoundTrip<FindCoordinatorResponse>(new FindCoordinatorRequest { Key = group, KeyType = 0 }, 2).ErrorCode != 0) return false;
            lastError = first.RoundTrip<JoinGroupResponse>(Join(group), 3).ErrorCode;
            return lastError == 0;
        }, TimeSpan.FromSeconds(60), "the first member to join");
        // The second member starts a rebalance that waits for the first to rejoin (it never does: 30 s).
        var second = new RawConnection(Broker.Port);
        second.Send(Join(group), 3);
        await Poll.UntilAsync(() =>
        {
            using var c = new RawConnection(Broker.Port);
            return c.RoundTrip<DescribeGroupsResponse>(new DescribeGroupsRequest { Groups = [group] }, 5).Groups.Single().GroupState == "PreparingRebalance";
        }, TimeSpan.FromSeconds(20), "the second join to park in a rebalance");
        int secondPort = second.LocalPort;
        Assert.That(WireOps.BrokerHoldsConnection(Broker.Port, secondPort), Is.True, "the broker holds the parked join's connection");
        second.Dispose();

        // The broker's end of that one connection, not a count of open files: the offsets topic's other partitions
        // keep opening log files while this runs (a full CI run failed on such a count).
        await Poll.UntilAsync(() => !WireOps.BrokerHoldsConnection(Broker.Port, secondPort), TimeSpan.FromSeconds(10),
            "the broker to release the socket of the join whose client left (before: held until the rebalance ended, 30 s)");
        Assert.That(first.RoundTrip<ApiVersionsResponse>(new ApiVersionsRequest(), 3).ErrorCode, Is.EqualTo(0), "the other member's connection is unaffected");
    }
}
