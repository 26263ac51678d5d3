using Broker.Server.Partitions;

namespace Broker.Server.Tests.Partitions;

/// <summary>KIP-392's rack-aware choice of the replica a consumer reads from, as Kafka's RackAwareReplicaSelector.</summary>
public sealed class RackAwareReplicaSelectorTests
{
    private static readonly Dictionary<int, string?> Racks = new() { [1] = "r1", [2] = "r2", [3] = "r3", [4] = "r3", [5] = null };

    private static string? RackOf(int id) => Racks.GetValueOrDefault(id);

    [Test]
    public void NoClientRack_ReadsFromTheLeader() =>
        Assert.That(RackAwareReplicaSelector.Select(null, 1, [new(1, 10, 0), new(3, 10, 0)], RackOf), Is.EqualTo(1));

    [Test]
    public void LeaderInTheClientsRack_ReadsFromTheLeader() =>
        Assert.That(RackAwareReplicaSelector.Select("r1", 1, [new(1, 10, 0), new(2, 10, 0)], RackOf), Is.EqualTo(1));

    [Test]
    public void FollowerInTheClientsRack_IsChosen() =>
        Assert.That(RackAwareReplicaSelector.Select("r2", 1, [new(1, 10, 0), new(2, 10, 0), new(3, 10, 0)], RackOf), Is.EqualTo(2));

    [Test]
    public void NoReplicaInTheClientsRack_ReadsFromTheLeader() =>
        Assert.That(RackAwareReplicaSelector.Select("r9", 1, [new(1, 10, 0), new(2, 10, 0)], RackOf), Is.EqualTo(1));

    [Test]
    public void SameRackFollowers_TheFurthestAheadWins_ThenTheMostRecentlyCaughtUp()
    {
        Assert.That(RackAwareReplicaSelector.Select("r3", 1, [new(1, 20, 0), new(3, 15, 0), new(4, 18, 900)], RackOf), Is.EqualTo(4));
        Assert.That(RackAwareReplicaSelector.Select("r3", 1, [new(1, 20, 0), new(3, 18, 100), new(4, 18, 900)], RackOf), Is.EqualTo(3));
    }

    [Test]
    public void AFollowerMissingFromTheCandidates_IsNeverChosen() =>
        // Broker 2 is in the client's rack but does not hold the offset (the leader left it out).
        Assert.That(RackAwareReplicaSelector.Select("r2", 1, [new(1, 10, 0), new(3, 10, 0)], RackOf), Is.EqualTo(1));
}
