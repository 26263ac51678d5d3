using Broker.Server.Security.Sasl;

namespace Broker.Server.Configuration;

public sealed partial class BrokerConfig
{
    /// <summary>The mechanisms this broker serves; anything else in sasl.enabled.mechanisms stops start-up.</summary>
    public static IReadOnlyList<string> ServedSaslMechanisms => ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"];

    /// <summary>Listener-prefixed SASL entries (<c>listener.name.*</c>), by key; the winning entry of each.</summary>
    private Dictionary<string, PropertyEntry> _listenerPrefixed = new(StringComparer.Ordinal);

    public long ConnectionsMaxReauthMs => Value<long>("connections.max.reauth.ms");

    public int SaslServerMaxReceiveSize => Value<int>("sasl.server.max.receive.size");

    /// <summary>True for <c>listener.name.&lt;l&gt;[.&lt;mechanism&gt;].&lt;SASL key&gt;</c>.</summary>
    internal static bool IsListenerPrefixed(string key) =>
        key.StartsWith("listener.name.", StringComparison.Ordinal) &&
        BrokerConfigDef.ListenerSaslKeys.Any(k => key.EndsWith("." + k, StringComparison.Ordinal) && key.Length > "listener.name.".Length + k.Length + 1);

    /// <summary>The SASL listeners (SASL_PLAINTEXT, SASL_SSL), by name.</summary>
    public IEnumerable<string> SaslListenerNames =>
        Listeners.Select(l => l.ListenerName).Where(n => ListenerSecurityProtocolMap[n].StartsWith("SASL_", StringComparison.Ordinal));

    /// <summary>A listener's mechanisms: <c>listener.name.&lt;l&gt;.sasl.enabled.mechanisms</c>, else the broker-wide key.</summary>
    public IReadOnlyList<string> SaslEnabledMechanismsFor(string listener) =>
        _listenerPrefixed.TryGetValue($"listener.name.{listener.ToLowerInvariant()}.sasl.enabled.mechanisms", out var e)
            ? e.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : SaslEnabledMechanisms;

    /// <summary>
    /// The JAAS entry for <paramref name="mechanism"/> on <paramref name="listener"/>:
    /// <c>listener.name.&lt;l&gt;.&lt;mechanism&gt;.sasl.jaas.config</c>, else <c>sasl.jaas.config</c>; null when neither is set.
    /// </summary>
    /// <exception cref="ConfigException">The entry does not parse (with its file:line).</exception>
    public JaasConfig? SaslJaasConfigFor(string listener, string mechanism)
    {
        string key = $"listener.name.{listener.ToLowerInvariant()}.{mechanism.ToLowerInvariant()}.sasl.jaas.config";
        (string? text, ConfigSource source, string name) = _listenerPrefixed.TryGetValue(key, out var entry)
            ? (entry.Value, entry.Source, key)
            : (((PasswordValue?)Get("sasl.jaas.config"))?.Value, Source("sasl.jaas.config"), "sasl.jaas.config");
        if (text is null) return null;
        try
        {
            return JaasConfig.Parse(text);
        }
        catch (FormatException ex)
        {
            throw new ConfigException(source, name, PasswordValue.Hidden, $"is not a JAAS login module entry: {ex.Message}");
        }
    }

    /// <summary>
    /// Refuses at start-up what SASL listeners would not serve as configured: no mechanism chosen (Kafka's default,
    /// GSSAPI, is Kerberos, which this broker does not serve), a mechanism other than PLAIN/SCRAM, PLAIN without
    /// users, and an inter-broker SASL listener without this broker's own credentials for its mechanism.
    /// </summary>
    private void ValidateSasl()
    {
        foreach (var listener in SaslListenerNames)
        {
            var mechanisms = SaslEnabledMechanismsFor(listener);
            var setting = Setting("sasl.enabled.mechanisms");
            bool prefixed = _listenerPrefixed.ContainsKey($"listener.name.{listener.ToLowerInvariant()}.sasl.enabled.mechanisms");
            if (!prefixed && setting.Source.Kind == ConfigSourceKind.Default)
            {
                throw Invalid(Setting("listeners"),
                    $"has the SASL listener {listener} but sasl.enabled.mechanisms is not set: Kafka's default, GSSAPI " +
                    "(Kerberos), is not served; set sasl.enabled.mechanisms to PLAIN, SCRAM-SHA-256 and/or SCRAM-SHA-512");
            }

            if (mechanisms.Count == 0)
                throw Invalid(setting, $"is empty: the SASL listener {listener} would accept nobody");
            foreach (var m in mechanisms.Where(m => !ServedSaslMechanisms.Contains(m)))
            {
                throw Invalid(setting, $"names {m}, which this broker does not serve (only {string.Join(", ", ServedSaslMechanisms)}); " +
                                       "GSSAPI (Kerberos) and OAUTHBEARER are not implemented");
            }

            if (mechanisms.Any(m => m.StartsWith("SCRAM-", StringComparison.Ordinal)) && Setting("zookeeper.connect").Value is null)
            {
                throw Invalid(setting, $"enables SCRAM on listener {listener}, but SCRAM credentials live in ZooKeeper and " +
                                       "zookeeper.connect is not set; use PLAIN in single-broker mode");
            }

            if (mechanisms.Contains("PLAIN") && SaslJaasConfigFor(listener, "PLAIN") is not { PlainUsers.Count: > 0 })
            {
                throw Invalid(setting,
                    $"enables PLAIN on listener {listener}, but no JAAS entry with users: set listener.name.{listener.ToLowerInvariant()}.plain.sasl.jaas.config " +
                    $"(or sasl.jaas.config) to {JaasConfig.PlainLoginModule} required user_<name>=\"<password>\" ...;");
            }
        }

        if (!SaslListenerNames.Contains(InterBrokerListenerName)) return;
        string mechanism = SaslMechanismInterBrokerProtocol;
        var interBroker = Setting("sasl.mechanism.inter.broker.protocol");
        if (!SaslEnabledMechanismsFor(InterBrokerListenerName).Contains(mechanism))
        {
            throw Invalid(interBroker,
                $"names {mechanism}, which the inter-broker listener {InterBrokerListenerName} does not enable " +
                $"({string.Join(",", SaslEnabledMechanismsFor(InterBrokerListenerName))})");
        }

        if (SaslJaasConfigFor(InterBrokerListenerName, mechanism) is not { Username: not null, Password: not null })
        {
            throw Invalid(interBroker,
                $"needs this broker's own credentials: set username=\"...\" password=\"...\" in " +
                $"listener.name.{InterBrokerListenerName.ToLowerInvariant()}.{mechanism.ToLowerInvariant()}.sasl.jaas.config (or sasl.jaas.config)");
        }
    }

    /// <summary>This broker's credentials for inter-broker SASL, or null when the inter-broker listener is not SASL.</summary>
    public Replication.InterBrokerSasl? InterBrokerSasl => ResolveInterBrokerSasl(); // a parse per connection: cheap

    private Replication.InterBrokerSasl? ResolveInterBrokerSasl() =>
        SaslListenerNames.Contains(InterBrokerListenerName) && SaslJaasConfigFor(InterBrokerListenerName, SaslMechanismInterBrokerProtocol) is
            { Username: { } user, Password: { } password }
            ? new Replication.InterBrokerSasl(SaslMechanismInterBrokerProtocol, user, password)
            : null;
}
