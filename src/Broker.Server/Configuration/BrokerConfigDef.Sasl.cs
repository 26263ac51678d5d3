using static Broker.Server.Configuration.ConfigImportance;
using static Broker.Server.Configuration.ConfigValidator;

namespace Broker.Server.Configuration;

public static partial class BrokerConfigDef
{
    /// <summary>
    /// The SASL keys a listener may override as <c>listener.name.&lt;listener&gt;.&lt;key&gt;</c> (and, for
    /// <c>sasl.jaas.config</c>, per mechanism: <c>listener.name.&lt;listener&gt;.&lt;mechanism&gt;.sasl.jaas.config</c>),
    /// names in lower case, as Kafka.
    /// </summary>
    public static IReadOnlyList<string> ListenerSaslKeys => ["sasl.jaas.config", "sasl.enabled.mechanisms"];

    private static IEnumerable<ConfigKey> Sasl() =>
    [
        Password("sasl.jaas.config", High,
            "JAAS login module entry for SASL listeners, in Kafka's syntax: PlainLoginModule with user_<name>=\"<password>\" " +
            "options (the users PLAIN accepts) and username/password (what this broker sends to other brokers). Usually " +
            "given per listener and mechanism: listener.name.<listener>.<mechanism>.sasl.jaas.config."),
        Long("connections.max.reauth.ms", "0", AtLeast(0), Medium,
            "KIP-368: the longest a SASL session lasts before the client must re-authenticate (told in SaslAuthenticate " +
            "v1+); a connection that sends a request after that without re-authenticating is closed. 0: never."),
        Int("sasl.server.max.receive.size", "524288", AtLeast(1), Low,
            "The largest request or SASL token accepted on a SASL connection before authentication completes."),
    ];
}
