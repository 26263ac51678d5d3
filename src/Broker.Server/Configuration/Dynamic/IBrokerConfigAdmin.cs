using Broker.Protocol;
using Broker.Server.Topics;

namespace Broker.Server.Configuration;

/// <summary>
/// Changes dynamic broker configs (AlterConfigs / IncrementalAlterConfigs on BROKER resources). Errors come back as a
/// Kafka error code and message, never as exceptions. Thread-safe.
/// </summary>
public interface IBrokerConfigAdmin
{
    /// <param name="resourceName">This broker's id, or "" for the cluster-wide default.</param>
    /// <param name="replaceAll">AlterConfigs: the entries replace every stored dynamic config of the resource.</param>
    Task<(ErrorCode Error, string? Message)> AlterAsync(string resourceName, IReadOnlyList<TopicConfigChange> changes, bool replaceAll, bool validateOnly);
}

/// <summary>Single-broker mode (no ZooKeeper): nowhere to store dynamic configs, so every change is refused.</summary>
public sealed class StaticBrokerConfigAdmin : IBrokerConfigAdmin
{
    public Task<(ErrorCode Error, string? Message)> AlterAsync(string resourceName, IReadOnlyList<TopicConfigChange> changes, bool replaceAll, bool validateOnly) =>
        Task.FromResult((ErrorCode.InvalidRequest, (string?)"Dynamic broker configs need ZooKeeper mode (zookeeper.connect); change server.properties and restart"));
}
