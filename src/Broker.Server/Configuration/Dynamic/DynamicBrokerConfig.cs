namespace Broker.Server.Configuration;

/// <summary>
/// This broker's configuration as it is now: the static one (file and overrides) with the dynamic configs of
/// <c>/config/brokers/&lt;default&gt;</c> and <c>/config/brokers/&lt;id&gt;</c> layered over it (KIP-226). The ZooKeeper
/// view calls <see cref="Update"/> on every read (start-up, each <c>/config/changes</c> notification, reconciles);
/// readers take <see cref="Current"/>, an immutable snapshot. Thread-safe: updates are serialised by a lock,
/// <see cref="Current"/> is a volatile read; <see cref="Changed"/> runs on the updating thread, after the swap.
/// </summary>
public sealed class DynamicBrokerConfig(BrokerConfig staticConfig)
{
    private readonly object _lock = new();
    private Snapshot _snapshot = new(staticConfig, Empty, Empty);

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();

    /// <summary>The configuration from the file and the command line only.</summary>
    public BrokerConfig Static { get; } = staticConfig;

    /// <summary>The effective configuration (dynamic layers applied).</summary>
    public BrokerConfig Current => Volatile.Read(ref _snapshot).Config;

    /// <summary>The stored cluster-wide dynamic defaults, as last read.</summary>
    public IReadOnlyDictionary<string, string> ClusterDefaults => Volatile.Read(ref _snapshot).Defaults;

    /// <summary>This broker's stored dynamic configs, as last read.</summary>
    public IReadOnlyDictionary<string, string> PerBroker => Volatile.Read(ref _snapshot).PerBroker;

    /// <summary>Raised after <see cref="Current"/> changed, with the new configuration.</summary>
    public event Action<BrokerConfig>? Changed;

    /// <summary>
    /// Installs what ZooKeeper holds now. Entries that are not dynamic here or do not validate (written by another
    /// tool) are dropped and returned, so one bad entry cannot stop the others. Returns the dropped entries' names.
    /// </summary>
    public IReadOnlyList<string> Update(IReadOnlyDictionary<string, string> clusterDefaults, IReadOnlyDictionary<string, string> perBroker)
    {
        var dropped = new List<string>();
        var defaults = Usable(clusterDefaults, dropped);
        var own = Usable(perBroker, dropped);
        BrokerConfig next;
        lock (_lock)
        {
            var current = _snapshot;
            if (SameEntries(current.Defaults, defaults) && SameEntries(current.PerBroker, own)) return dropped;
            next = Static.WithDynamic(defaults, own);
            Volatile.Write(ref _snapshot, new Snapshot(next, defaults, own));
        }

        Changed?.Invoke(next);
        return dropped;
    }

    private static Dictionary<string, string> Usable(IReadOnlyDictionary<string, string> stored, List<string> dropped)
    {
        var usable = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in stored)
        {
            if (DynamicBrokerConfigKeys.Validate(new Dictionary<string, string> { [name] = value }) is null) usable[name] = value;
            else dropped.Add(name);
        }

        return usable;
    }

    private static bool SameEntries(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);

    private sealed record Snapshot(BrokerConfig Config, IReadOnlyDictionary<string, string> Defaults, IReadOnlyDictionary<string, string> PerBroker);
}
