using System.Collections.Concurrent;
using Broker.Protocol;

namespace Broker.Server.Topics;

/// <summary>
/// Topic config overrides: held in memory for DescribeConfigs and applied live to the partitions' logs; persisted in
/// <c>&lt;first log dir&gt;/topic-configs/&lt;topic&gt;.json</c> (see <see cref="TopicConfigFile"/>) so they survive a
/// restart. Changes run under the admin lock, so an incremental change never loses a concurrent one.
/// </summary>
public sealed partial class LocalTopicManager
{
    private static readonly IReadOnlyDictionary<string, string> NoOverrides = new Dictionary<string, string>();

    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, string>> _overrides = new(StringComparer.Ordinal);

    private string ConfigDir => Path.Combine(_config.LogDirs[0], TopicConfigFile.DirectoryName);

    public IReadOnlyDictionary<string, string>? GetTopicConfigs(string topic) =>
        _topics.ContainsKey(topic) ? _overrides.GetValueOrDefault(topic, NoOverrides) : null;

    public (ErrorCode Error, string? Message) AlterTopicConfigs(string topic, IReadOnlyList<TopicConfigChange> changes, bool replaceAll, bool validateOnly)
    {
        lock (_adminLock)
        {
            if (!_topics.ContainsKey(topic)) return (ErrorCode.UnknownTopicOrPartition, $"The topic '{topic}' does not exist.");
            var current = _overrides.GetValueOrDefault(topic, NoOverrides);
            var (result, error) = TopicConfigs.Apply(_config, current, changes, replaceAll);
            if (result is null) return (ErrorCode.InvalidConfig, error);
            if (validateOnly) return (ErrorCode.None, null);
            StoreOverrides(topic, result);
            LogConfigsChanged(topic, string.Join(",", result.Select(kv => $"{kv.Key}={kv.Value}")));
            return (ErrorCode.None, null);
        }
    }

    /// <summary>Records, persists and applies the topic's overrides. Caller holds the admin lock.</summary>
    private void StoreOverrides(string topic, IReadOnlyDictionary<string, string> overrides)
    {
        TopicConfigFile.Write(ConfigDir, topic, overrides);
        if (overrides.Count == 0) _overrides.TryRemove(topic, out _);
        else _overrides[topic] = overrides;
        var logConfig = TopicConfigs.ToLogConfig(_config, AsPairs(overrides));
        foreach (var partition in _replicas.All.Where(p => p.Id.Topic == topic)) partition.Log.Config = logConfig;
    }

    private void ForgetOverrides(string topic)
    {
        _overrides.TryRemove(topic, out _);
        TopicConfigFile.Delete(ConfigDir, topic);
    }

    /// <summary>Reads the persisted overrides of every topic; files of topics that no longer exist are removed.</summary>
    private void LoadOverrides()
    {
        foreach (var (topic, overrides) in TopicConfigFile.ReadAll(ConfigDir))
        {
            if (!_topics.ContainsKey(topic))
            {
                TopicConfigFile.Delete(ConfigDir, topic);
                continue;
            }

            if (TopicConfigs.Validate(AsPairs(overrides)) is { } invalid)
            {
                LogBadConfigFile(topic, invalid);
                continue;
            }

            StoreOverrides(topic, overrides);
        }
    }

    private IReadOnlyDictionary<string, string> OverridesOf(string topic) => _overrides.GetValueOrDefault(topic, NoOverrides);

    private static IEnumerable<KeyValuePair<string, string?>> AsPairs(IReadOnlyDictionary<string, string> overrides) =>
        overrides.Select(kv => new KeyValuePair<string, string?>(kv.Key, kv.Value));
}
