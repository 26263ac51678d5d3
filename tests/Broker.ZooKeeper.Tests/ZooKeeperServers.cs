using Broker.TestKit.ZooKeeper;

namespace Broker.ZooKeeper.Tests;

/// <summary>
/// Starts one standalone server and one 3-server ensemble for the whole assembly (in parallel, ~5 s).
/// If ZooKeeper or Java is missing, OneTimeSetUp throws and every test fails with the installation hint:
/// these tests are contract tests and must not silently skip in CI.
/// </summary>
[SetUpFixture]
public sealed class ZooKeeperServers
{
    private static ZooKeeperServer? s_standalone;
    private static ZooKeeperEnsemble? s_ensemble;

    public static ZooKeeperServer Standalone => s_standalone ?? throw new InvalidOperationException("Standalone ZooKeeper not started.");

    public static ZooKeeperEnsemble Ensemble => s_ensemble ?? throw new InvalidOperationException("ZooKeeper ensemble not started.");

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        var standalone = ZooKeeperServer.LaunchAsync();
        var ensemble = ZooKeeperEnsemble.LaunchAsync(3);
        try
        {
            await Task.WhenAll(standalone, ensemble);
        }
        finally
        {
            s_standalone = standalone.IsCompletedSuccessfully ? standalone.Result : null;
            s_ensemble = ensemble.IsCompletedSuccessfully ? ensemble.Result : null;
        }
    }

    [OneTimeTearDown]
    public void Stop()
    {
        s_standalone?.Dispose();
        s_ensemble?.Dispose();
    }
}
