using Broker.TestKit.ZooKeeper;

namespace Broker.Coordination.Tests;

/// <summary>
/// One real standalone ZooKeeper for the assembly, started by the first test that needs it (pure tests never pay
/// for it). Tests isolate themselves under their own chroot. If ZooKeeper or Java is missing, those tests fail with
/// the installation hint rather than skip.
/// </summary>
[SetUpFixture]
public sealed class SharedZooKeeper
{
    private static readonly Lazy<Task<ZooKeeperServer>> s_server = new(() => ZooKeeperServer.LaunchAsync());

    public static Task<ZooKeeperServer> GetAsync() => s_server.Value;

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (s_server.IsValueCreated && s_server.Value.IsCompletedSuccessfully) await s_server.Value.Result.DisposeAsync();
    }
}
