using System.Globalization;
using Broker.Coordination.ZNodes;
using Broker.Server.Configuration;
using Microsoft.Extensions.Logging;

namespace Broker.Server.Cluster;

// Dynamic broker configs (KIP-226): read with every full read, which every /config/changes notification triggers.
public sealed partial class ZkClusterMetadata
{
    /// <summary>Where the dynamic broker configs read from ZooKeeper are installed; none when null (tests).</summary>
    public DynamicBrokerConfig? DynamicConfig { get; init; }

    /// <summary>
    /// Reads <c>/config/brokers/&lt;default&gt;</c> and <c>/config/brokers/&lt;id&gt;</c> and installs them, as Kafka's
    /// BrokerConfigHandler does on a <c>brokers/…</c> change notification. Runs before the read's partitions are applied,
    /// so their log configs are rebuilt over the new defaults in the same pass.
    /// </summary>
    private async Task ReadDynamicBrokerConfigsAsync(CancellationToken ct)
    {
        if (DynamicConfig is not { } dynamic) return;
        var defaults = await _store.GetBrokerConfigAsync(BrokerConfigZNode.DefaultEntity, ct).ConfigureAwait(false);
        var own = await _store.GetBrokerConfigAsync(_config.BrokerId.ToString(CultureInfo.InvariantCulture), ct).ConfigureAwait(false);
        var before = dynamic.Current;
        var dropped = dynamic.Update(defaults, own);
        if (dropped.Count > 0) LogDynamicDropped(string.Join(",", dropped));
        if (!ReferenceEquals(before, dynamic.Current))
            LogDynamicApplied(string.Join(",", defaults.Select(kv => $"{kv.Key}={kv.Value}")), string.Join(",", own.Select(kv => $"{kv.Key}={kv.Value}")));
    }

    [LoggerMessage(3501, LogLevel.Information, "Dynamic broker configs applied: cluster default [{Defaults}], this broker [{Own}]")]
    private partial void LogDynamicApplied(string defaults, string own);

    [LoggerMessage(3502, LogLevel.Warning, "Dynamic broker configs ignored (not dynamic here, or invalid): {Names}")]
    private partial void LogDynamicDropped(string names);
}
