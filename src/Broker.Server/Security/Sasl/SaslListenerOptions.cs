using Broker.Coordination.Scram;

namespace Broker.Server.Security.Sasl;

/// <summary>
/// What a SASL listener serves, resolved once at start-up: its enabled mechanisms (<c>sasl.enabled.mechanisms</c>,
/// or its <c>listener.name.&lt;l&gt;.sasl.enabled.mechanisms</c>), the PLAIN users of its JAAS entry, where SCRAM
/// credentials come from (the ZooKeeper cache), <c>connections.max.reauth.ms</c> and the bound on a token before
/// authentication (<c>sasl.server.max.receive.size</c>). Immutable; shared by every connection of the listener.
/// </summary>
public sealed class SaslListenerOptions
{
    public required string ListenerName { get; init; }

    /// <summary>Mechanisms offered, in configuration order; only PLAIN and SCRAM-SHA-256/512 ever get here.</summary>
    public required IReadOnlyList<string> EnabledMechanisms { get; init; }

    /// <summary>PLAIN users (name → password) of the listener's JAAS entry; empty when PLAIN is not enabled.</summary>
    public IReadOnlyDictionary<string, string> PlainUsers { get; init; } = new Dictionary<string, string>();

    /// <summary>A user's credential for a SCRAM mechanism, or null; must be thread-safe and not block.</summary>
    public Func<string, ScramMechanism, ScramCredential?> ScramCredentials { get; init; } = (_, _) => null;

    /// <summary><c>connections.max.reauth.ms</c>; 0 = sessions never expire (Kafka's default).</summary>
    public long MaxReauthMs { get; init; }

    /// <summary><c>sasl.server.max.receive.size</c>: the largest frame accepted before authentication completes.</summary>
    public int MaxReceiveSize { get; init; } = 524288;

    /// <summary>A fresh exchange for <paramref name="mechanism"/>, or null when the listener does not offer it.</summary>
    public ISaslServerExchange? CreateExchange(string mechanism)
    {
        if (!EnabledMechanisms.Contains(mechanism, StringComparer.Ordinal)) return null;
        if (mechanism == PlainServerExchange.Name) return new PlainServerExchange(PlainUsers);
        return ScramMechanism.FromName(mechanism) is { } scram
            ? new ScramServerExchange(scram, user => ScramCredentials(user, scram))
            : null;
    }
}
