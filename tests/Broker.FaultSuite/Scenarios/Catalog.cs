namespace Broker.FaultSuite.Scenarios;

/// <summary>Every scenario in priority order, and the short CI set.</summary>
public static class Catalog
{
    public static IReadOnlyList<Scenario> All { get; } =
    [
        new KillAndRestartLeader(), new LeaderIsolatedFromFollowers(), new LeaderIsolatedFromZooKeeper(), new PauseLeader(),
        new AsymmetricPartition(), new LeaderAnswersLost(), new LeaderIsolatedFromClients(), new PauseController(), new PauseZooKeeper(), new KillAll(), new ZooKeeperEnsembleLoss(), new DiskFull(),
    ];

    /// <summary>bin/fault-test.sh --ci: one round each, a few minutes in all.</summary>
    public static IReadOnlyList<string> Ci { get; } = ["kill9-restart", "leader-followers", "leader-zookeeper"];

    public static Scenario Find(string name) =>
        All.FirstOrDefault(s => s.Name == name)
        ?? throw new ArgumentException($"unknown scenario '{name}'; known: {string.Join(", ", All.Select(s => s.Name))}");
}
