using Broker.Server.Topics;

namespace Broker.Server.Cluster;

/// <summary>Single-broker mode (no zookeeper.connect): the topics are what the log folders hold.</summary>
public sealed class LocalClusterLifecycle(LocalTopicManager topics) : IClusterLifecycle
{
    public string Description => "single broker, no ZooKeeper";

    public Task PrepareAsync(CancellationToken ct)
    {
        topics.LoadExisting();
        return Task.CompletedTask;
    }

    public Task JoinAsync(CancellationToken ct) => Task.CompletedTask;

    public Task HandOverAsync() => Task.CompletedTask;

    public Task LeaveAsync() => Task.CompletedTask;

    public Task AbandonAsync() => Task.CompletedTask;
}
