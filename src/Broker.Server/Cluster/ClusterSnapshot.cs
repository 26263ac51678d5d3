namespace Broker.Server.Cluster;

/// <summary>
/// One immutable view of the cluster, as <see cref="MetadataCache"/> publishes it: live brokers, the controller,
/// topics with their partition states, topic config overrides and topics queued for deletion. A change publishes a
/// new instance; nothing in it is ever mutated.
/// </summary>
public sealed record ClusterSnapshot(
    IReadOnlyList<BrokerNode> Brokers,
    int ControllerId,
    IReadOnlyDictionary<string, TopicInfo> Topics,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Configs,
    IReadOnlySet<string> PendingDeletions)
{
    public static readonly ClusterSnapshot Empty = new(
        [], -1, new Dictionary<string, TopicInfo>(), new Dictionary<string, IReadOnlyDictionary<string, string>>(), new HashSet<string>());

    /// <summary>The topic's config overrides (empty when it has none or is unknown).</summary>
    public IReadOnlyDictionary<string, string> TopicConfig(string topic) =>
        Configs.TryGetValue(topic, out var c) ? c : EmptyConfig;

    private static readonly IReadOnlyDictionary<string, string> EmptyConfig = new Dictionary<string, string>();
}
