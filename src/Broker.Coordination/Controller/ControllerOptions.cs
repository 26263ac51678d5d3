namespace Broker.Coordination.Controller;

/// <summary>Controller settings (immutable).</summary>
/// <param name="BrokerId">This broker's id.</param>
/// <param name="UncleanLeaderElection">Broker default of <c>unclean.leader.election.enable</c>; a topic's override in <c>/config/topics</c> wins.</param>
public sealed record ControllerOptions(int BrokerId, bool UncleanLeaderElection = false)
{
    /// <summary>
    /// The broker default of <c>unclean.leader.election.enable</c> as it is now (a dynamic broker config may change
    /// it); <see cref="UncleanLeaderElection"/> when null.
    /// </summary>
    public Func<bool>? UncleanLeaderElectionNow { get; init; }

    /// <summary><c>auto.leader.rebalance.enable</c>: run the preferred leader check periodically.</summary>
    public bool AutoLeaderRebalance { get; init; } = true;

    /// <summary><c>leader.imbalance.check.interval.seconds</c>: period of that check.</summary>
    public TimeSpan LeaderImbalanceCheckInterval { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary><c>leader.imbalance.per.broker.percentage</c>: share (0–100) of a broker's preferred partitions led elsewhere that triggers it.</summary>
    public int LeaderImbalancePerBrokerPercentage { get; init; } = 10;
}
