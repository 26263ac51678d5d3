namespace Broker.Server.Configuration;

public sealed partial class BrokerConfig
{
    /// <summary>Endpoints the broker binds, from <c>listeners</c>. Never empty; names are unique and upper-case.</summary>
    public IReadOnlyList<ListenerEndpoint> Listeners { get; }

    /// <summary>
    /// Endpoints given to clients and other brokers: <c>advertised.listeners</c>, or <see cref="Listeners"/> when unset.
    /// Never 0.0.0.0; an empty <see cref="ListenerEndpoint.Host"/> means "this machine's host name" and is for the
    /// server layer to fill in.
    /// </summary>
    public IReadOnlyList<ListenerEndpoint> AdvertisedListeners { get; }

    /// <summary>Listener name → security protocol (upper-case), from <c>listener.security.protocol.map</c>.</summary>
    public IReadOnlyDictionary<string, string> ListenerSecurityProtocolMap { get; }

    /// <summary>
    /// The listener other brokers connect to: <c>inter.broker.listener.name</c>, else the listener named by
    /// <c>security.inter.broker.protocol</c>. Always one of <see cref="AdvertisedListeners"/>.
    /// </summary>
    public string InterBrokerListenerName { get; }

    /// <summary>The advertised endpoint other brokers use to reach this one.</summary>
    public ListenerEndpoint InterBrokerEndpoint =>
        AdvertisedListeners.First(l => l.ListenerName == InterBrokerListenerName);

    private (IReadOnlyList<ListenerEndpoint>, IReadOnlyList<ListenerEndpoint>, IReadOnlyDictionary<string, string>, string)
        ResolveListeners()
    {
        var listeners = ParseEndpoints("listeners");
        var listenersSetting = Setting("listeners");
        if (listeners.Count == 0)
            throw Invalid(listenersSetting, "must name at least one listener");

        var map = Value<IReadOnlyList<string>>("listener.security.protocol.map")
            .Select(p => p.Split(':', 2, StringSplitOptions.TrimEntries))
            .ToDictionary(p => p[0].ToUpperInvariant(), p => p[1].ToUpperInvariant(), StringComparer.Ordinal);
        foreach (var listener in listeners.Where(l => !map.ContainsKey(l.ListenerName)))
        {
            throw Invalid(listenersSetting,
                $"is invalid: listener name {listener.ListenerName} has no security protocol; " +
                $"add {listener.ListenerName}:PLAINTEXT (or another protocol) to listener.security.protocol.map");
        }

        var advertisedSetting = Setting("advertised.listeners");
        var advertised = advertisedSetting.Value is null ? listeners : ParseEndpoints("advertised.listeners");
        var blamed = advertisedSetting.Value is null ? listenersSetting : advertisedSetting;
        var names = string.Join(", ", listeners.Select(l => l.ListenerName));
        foreach (var endpoint in advertised)
        {
            if (endpoint.Host is "0.0.0.0" or "::")
            {
                throw Invalid(blamed,
                    $"cannot be advertised: clients cannot connect to {endpoint.Host}; set advertised.listeners to a " +
                    "host name or address they can reach");
            }

            if (!listeners.Any(l => l.ListenerName == endpoint.ListenerName))
                throw Invalid(advertisedSetting, $"is invalid: listener {endpoint.ListenerName} is not in listeners ({names})");
        }

        var interBroker = ResolveInterBrokerListener(advertised);
        return (listeners, advertised, map, interBroker);
    }

    private string ResolveInterBrokerListener(IReadOnlyList<ListenerEndpoint> advertised)
    {
        var byName = Setting("inter.broker.listener.name");
        var byProtocol = Setting("security.inter.broker.protocol");
        if (byName.Value is not null && byProtocol.Source.Kind != ConfigSourceKind.Default)
        {
            throw Invalid(byName,
                $"conflicts with security.inter.broker.protocol (set at {byProtocol.Source}); set only one of them");
        }

        var blamed = byName.Value is null ? byProtocol : byName;
        var name = ((string)blamed.Value!).ToUpperInvariant();
        if (!advertised.Any(l => l.ListenerName == name))
        {
            var names = string.Join(", ", advertised.Select(l => l.ListenerName));
            throw Invalid(blamed,
                $"is invalid: inter-broker listener {name} is not one of the advertised listeners ({names}); " +
                "set inter.broker.listener.name");
        }

        return name;
    }

    private List<ListenerEndpoint> ParseEndpoints(string name) =>
        Value<IReadOnlyList<string>>(name).Select(ListenerEndpoint.Parse).ToList();

    private static ConfigException Invalid(ResolvedSetting setting, string reason) =>
        new(setting.Source, setting.Key.Name, setting.Raw, reason);
}
