using System.Globalization;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.TestKit;

namespace Broker.IntegrationTests.Wire;

/// <summary>
/// Issue 12: a follower's SyncGroup parked until the leader brings the assignment ends with its connection, as a
/// parked JoinGroup does. Before the fix the handler waited for the leader (or for the leader's session to expire,
/// 30 s here, up to the session timeout a client chooses) and the broker kept the socket that long after the
/// follower closed it.
/// </summary>
[TestFixture]
public sealed class AbandonedSyncWaitTests : SingleBrokerFixture
{
    private static JoinGroupRequest Join(string group, string memberId) => new()
    {
        GroupId = group,
        SessionTimeoutMs = 30_000,
        RebalanceTimeoutMs = 30_000,
        MemberId = memberId,
        ProtocolType = "consumer",
        Protocols = [new JoinGroupRequest.JoinGroupProtocol { Name = "range", Metadata = new byte[] { 0, 1 } }],
    };

    [Test]
    public async Task FollowerSyncParkedForTheLeader_ReleasesItsSocket_WhenTheClientCloses()
    {
        string group = UniqueTopic("abandoned-sync");
        using var a = new RawConnection(Broker.Port);
        JoinGroupResponse? first = null;
        await Poll.UntilAsync(() =>
        {
            // FindCoordinator creates the offsets topic on first use; JoinGroup answers once its partition is loaded.
            if (a.RoundTrip<FindCoordinatorResponse>(new FindCoordinatorRequest { Key = group, KeyType = 0 }, 2).ErrorCode != 0) return false;
            first = a.RoundTrip<JoinGroupResponse>(Join(group, ""), 3);
            return first.ErrorCode == 0;
        }, TimeSpan.FromSeconds(60), "the first member to join");
        string memberA = first!.MemberId;

        // A second member joins: the rebalance completes when the first rejoins; both are then in CompletingRebalance.
        var b = new RawConnection(Broker.Port);
        int joinB = b.Send(Join(group, ""), 3);
        await Poll.UntilAsync(() => GroupState(group) == "PreparingRebalance", TimeSpan.FromSeconds(20), "the second join to start a rebalance");
        var rejoinA = a.RoundTrip<JoinGroupResponse>(Join(group, memberA), 3);
        var answerB = b.Receive<JoinGroupResponse>(ApiKey.JoinGroup, 3, out int correlation);
        Assert.That((rejoinA.ErrorCode, answerB.ErrorCode, correlation), Is.EqualTo(((short)0, (short)0, joinB)));
        Assert.That(GroupState(group), Is.EqualTo("CompletingRebalance"));

        // The follower syncs and parks: its leader never brings an assignment.
        var (follower, followerJoin, leader) = rejoinA.Leader == memberA ? (b, answerB, a) : (a, rejoinA, b);
        follower.Send(new SyncGroupRequest { GroupId = group, GenerationId = followerJoin.GenerationId, MemberId = followerJoin.MemberId }, 3);
        int followerPort = follower.LocalPort;
        Assert.That(BrokerHoldsConnection(Broker.Port, followerPort), Is.True, "the broker holds the parked follower's socket");
        follower.Dispose();

        await Poll.UntilAsync(() => !BrokerHoldsConnection(Broker.Port, followerPort), TimeSpan.FromSeconds(10),
            "the broker to release the socket of the sync whose client left (before: held until the leader's session expired, 30 s)");
        Assert.That(leader.RoundTrip<ApiVersionsResponse>(new ApiVersionsRequest(), 3).ErrorCode, Is.EqualTo(0), "the other member's connection is unaffected");
        if (!ReferenceEquals(leader, a)) leader.Dispose();
    }

    private string GroupState(string group)
    {
        using var c = new RawConnection(Broker.Port);
        return c.RoundTrip<DescribeGroupsResponse>(new DescribeGroupsRequest { Groups = [group] }, 5).Groups.Single().GroupState;
    }

    /// <summary>
    /// True while the broker's end of the connection from <paramref name="clientPort"/> exists in /proc/net/tcp(6)
    /// as ESTABLISHED (01) or CLOSE_WAIT (08: the client closed, the broker has not). Counting the broker's open files
    /// is not exact enough: the offsets topic opens log files meanwhile.
    /// </summary>
    private static bool BrokerHoldsConnection(int brokerPort, int clientPort)
    {
        foreach (string table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table)) continue;
            foreach (string line in File.ReadLines(table).Skip(1))
            {
                string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length < 4) continue;
                if (Port(f[1]) == brokerPort && Port(f[2]) == clientPort && f[3] is "01" or "08") return true;
            }
        }

        return false;

        static int Port(string endpoint) => int.Parse(endpoint[(endpoint.LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }
}
