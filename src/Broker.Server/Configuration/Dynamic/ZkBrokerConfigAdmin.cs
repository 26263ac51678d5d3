using System.Globalization;
using Broker.Coordination;
using Broker.Coordination.ZNodes;
using Broker.Protocol;
using Broker.Server.Topics;
using Microsoft.Extensions.Logging;

namespace Broker.Server.Configuration;

/// <summary>
/// Dynamic broker configs in ZooKeeper, as Kafka's ZkAdminManager: validates, writes <c>/config/brokers/&lt;id&gt;</c>
/// (or <c>&lt;default&gt;</c>) and a <c>brokers/&lt;entity&gt;</c> change notification; every broker, this one included,
/// applies the change when its <c>/config/changes</c> watch fires. The answer waits (bounded) until this broker applied
/// it, so a DescribeConfigs right after shows it. A BROKER resource names this broker or "" (any broker accepts the
/// default), as Kafka, whose clients send a broker's resource to that broker.
/// </summary>
public sealed partial class ZkBrokerConfigAdmin(KafkaZkStore store, DynamicBrokerConfig dynamic, ILogger<ZkBrokerConfigAdmin> logger) : IBrokerConfigAdmin
{
    private static readonly TimeSpan ApplyWait = TimeSpan.FromSeconds(10);

    public async Task<(ErrorCode Error, string? Message)> AlterAsync(string resourceName, IReadOnlyList<TopicConfigChange> changes, bool replaceAll, bool validateOnly)
    {
        int self = dynamic.Static.BrokerId;
        bool isDefault = resourceName.Length == 0;
        if (!isDefault && resourceName != self.ToString(CultureInfo.InvariantCulture))
            return (ErrorCode.InvalidRequest, $"Unexpected broker id, expected {self}, but received {resourceName}");
        string entity = isDefault ? BrokerConfigZNode.DefaultEntity : resourceName;
        var current = replaceAll ? new Dictionary<string, string>() : await store.GetBrokerConfigAsync(entity).ConfigureAwait(false);
        var (result, error) = Apply(current, changes);
        error ??= result is null ? null : DynamicBrokerConfigKeys.Validate(result);
        if (error is not null)
            return (ErrorCode.InvalidRequest, $"Invalid config value for resource ConfigResource(type=BROKER, name='{resourceName}'): {error}");
        if (validateOnly) return (ErrorCode.None, null);
        await store.SetBrokerConfigAsync(entity, result!).ConfigureAwait(false);
        LogAltered(entity, string.Join(",", result!.Select(kv => $"{kv.Key}={kv.Value}")));
        var deadline = DateTime.UtcNow + ApplyWait;
        while (!Applied(isDefault ? dynamic.ClusterDefaults : dynamic.PerBroker, result!) && DateTime.UtcNow < deadline)
            await Task.Delay(50).ConfigureAwait(false);
        return (ErrorCode.None, null);
    }

    private (Dictionary<string, string>? Result, string? Error) Apply(IReadOnlyDictionary<string, string> current, IReadOnlyList<TopicConfigChange> changes)
    {
        var result = new Dictionary<string, string>(current, StringComparer.Ordinal);
        foreach (var change in changes)
        {
            switch (change.Operation)
            {
                case ConfigOperation.Set:
                    if (change.Value is null) return (null, $"Null value not supported for : {change.Name}");
                    result[change.Name] = change.Value;
                    break;
                case ConfigOperation.Delete:
                    result.Remove(change.Name);
                    break;
                case ConfigOperation.Append or ConfigOperation.Subtract:
                    bool isList = BrokerConfigDef.TryFind(change.Name, out var key) && key.Type == ConfigType.List;
                    if (!isList)
                        return (null, $"Config value {(change.Operation == ConfigOperation.Append ? "append" : "subtract")} is not allowed for config key: {change.Name}");
                    var items = Split(result.TryGetValue(change.Name, out var old) ? old : dynamic.Current.GetString(change.Name) ?? "");
                    var operand = Split(change.Value ?? "");
                    items = change.Operation == ConfigOperation.Append
                        ? items.Concat(operand).Distinct(StringComparer.Ordinal).ToList()
                        : items.Where(i => !operand.Contains(i, StringComparer.Ordinal)).ToList();
                    result[change.Name] = string.Join(",", items);
                    break;
                default:
                    return (null, $"Unknown config operation {(sbyte)change.Operation} for config key: {change.Name}");
            }
        }

        return (result, null);
    }

    private static List<string> Split(string value) =>
        value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();

    private static bool Applied(IReadOnlyDictionary<string, string> seen, IReadOnlyDictionary<string, string> wanted) =>
        seen.Count == wanted.Count && wanted.All(kv => seen.TryGetValue(kv.Key, out var v) && v == kv.Value);

    [LoggerMessage(3500, LogLevel.Information, "Dynamic broker configs of {Entity} set to {Configs}")]
    private partial void LogAltered(string entity, string configs);
}
