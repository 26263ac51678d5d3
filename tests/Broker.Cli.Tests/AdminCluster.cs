using Broker.TestKit;
using Broker.TestKit.Brokers;
using Broker.TestKit.ZooKeeper;

namespace Broker.Cli.Tests;

/// <summary>
/// One ZooKeeper-mode cluster shared by the admin tool tests (log-dirs, get-offsets, broker-api-versions, configs),
/// started on first use and stopped once after every fixture (<see cref="AdminClusterTeardown"/>): two brokers, ids 1
/// and 2, broker 1 with two log dirs. Tests use their own topic names, so they do not depend on each other.
/// Thread-safe start (one Lazy).
/// </summary>
internal sealed class AdminCluster : IAsyncDisposable
{
    private static readonly Lazy<Task<AdminCluster>> Shared = new(StartAsync);

    private AdminCluster(ZooKeeperServer zookeeper, List<BrokerProcess> brokers, TempDirectory dirs, string[] broker1Dirs)
    {
        ZooKeeper = zookeeper;
        Brokers = brokers;
        _dirs = dirs;
        Broker1LogDirs = broker1Dirs;
    }

    private readonly TempDirectory _dirs;

    public ZooKeeperServer ZooKeeper { get; }

    public List<BrokerProcess> Brokers { get; }

    /// <summary>Broker 1's two log dirs, absolute, in configuration order.</summary>
    public string[] Broker1LogDirs { get; }

    public string Bootstrap => $"localhost:{Brokers[0].Port}";

    public static Task<AdminCluster> GetAsync() => Shared.Value;

    public static bool Started => Shared.IsValueCreated && Shared.Value.IsCompletedSuccessfully;

    public static async Task StopAsync()
    {
        if (Started) await (await Shared.Value).DisposeAsync();
    }

    private static async Task<AdminCluster> StartAsync()
    {
        var zookeeper = await ZooKeeperServer.LaunchAsync();
        var dirs = new TempDirectory("admin-logdirs");
        string[] broker1Dirs = [Path.Combine(dirs.Path, "a"), Path.Combine(dirs.Path, "b")];
        var brokers = new[] { 1, 2 }.Select(id =>
        {
            var settings = new Dictionary<string, string>
            {
                ["zookeeper.connect"] = zookeeper.ConnectString,
                ["zookeeper.session.timeout.ms"] = "6000",
            };
            if (id == 1) settings["log.dirs"] = string.Join(",", broker1Dirs);
            return new BrokerProcess(id, settings);
        }).ToList();
        await Task.WhenAll(brokers.Select(b => b.StartAsync()));
        CliFixture.BuildCli();
        return new AdminCluster(zookeeper, brokers, dirs, broker1Dirs);
    }

    /// <summary>Runs bin/<paramref name="script"/> with bash.</summary>
    public static Task<ProcessResult> RunAsync(string script, params string[] args) =>
        ExternalProcess.RunAsync("bash", [RepoPaths.Bin(script), .. args], null, TimeSpan.FromSeconds(60));

    public string OutputOfAll() => string.Join("\n", Brokers.Select(b => $"--- broker {b.BrokerId}\n{b.OutputTail(40)}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var b in Brokers) b.Dispose();
        await ZooKeeper.DisposeAsync();
        _dirs.Dispose();
    }
}

/// <summary>Stops the shared <see cref="AdminCluster"/> after every fixture of the assembly ran.</summary>
[SetUpFixture]
public sealed class AdminClusterTeardown
{
    [OneTimeTearDown]
    public Task Stop() => AdminCluster.StopAsync();
}
