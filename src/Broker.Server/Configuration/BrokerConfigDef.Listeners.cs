using static Broker.Server.Configuration.ConfigImportance;
using static Broker.Server.Configuration.ConfigValidator;

namespace Broker.Server.Configuration;

public static partial class BrokerConfigDef
{
    /// <summary>The security protocols a listener may use.</summary>
    /// <remarks>Expression-bodied on purpose: static fields of partial files may not be initialised yet while
    /// <see cref="All"/> is being built.</remarks>
    public static IReadOnlyList<string> SecurityProtocols => ["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"];

    private static ConfigValidator ListenerList =>
        Custom("NAME://host:port, comma-separated; host may be empty (all interfaces), a name, an IPv4 address or [IPv6]",
            v => ListenerEndpoint.ValidateList((IReadOnlyList<string>)v));

    private static ConfigValidator ProtocolMap =>
        Custom("NAME:PROTOCOL, comma-separated; PROTOCOL is one of " + string.Join(", ", SecurityProtocols),
            v => ValidateProtocolMap((IReadOnlyList<string>)v));

    private static IEnumerable<ConfigKey> ListenersAndSockets() =>
    [
        List("listeners", "PLAINTEXT://:9092", ListenerList, High,
            "Addresses the broker listens on, as NAME://host:port. An empty host listens on all interfaces; " +
            "each listener needs a distinct name, and the name must appear in listener.security.protocol.map."),
        List("advertised.listeners", null, ListenerList, High,
            "Addresses given to clients and other brokers, as NAME://host:port. Unset means the same as listeners. " +
            "0.0.0.0 cannot be advertised; an empty host is replaced by this machine's host name."),
        List("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL",
            ProtocolMap, Low,
            "Which security protocol each listener name uses, as NAME:PROTOCOL pairs."),
        Str("inter.broker.listener.name", null, null, Medium,
            "The listener other brokers use to reach this one. Unset means the listener named by " +
            "security.inter.broker.protocol. Set at most one of the two."),
        Str("security.inter.broker.protocol", "PLAINTEXT", OneOf([.. SecurityProtocols]), Medium,
            "Security protocol between brokers, when inter.broker.listener.name is not set; it then also names the listener."),
        Int("socket.send.buffer.bytes", "102400", AtLeast(-1), High,
            "SO_SNDBUF of the broker's sockets, in bytes. -1 uses the OS default."),
        Int("socket.receive.buffer.bytes", "102400", AtLeast(-1), High,
            "SO_RCVBUF of the broker's sockets, in bytes. -1 uses the OS default."),
        Int("socket.request.max.bytes", "104857600", AtLeast(1), High,
            "Largest request the broker will read, in bytes; larger requests close the connection (protects memory)."),
        Long("socket.request.receive.timeout.ms", "60000", null, Medium,
            "Longest a request may take to arrive once its first byte is received, in milliseconds; a connection still " +
            "holding a partial request after that is closed (ours, not Kafka's: against slowloris clients that send a " +
            "request a byte at a time, which connections.max.idle.ms never sees as idle). The default is librdkafka's " +
            "socket.timeout.ms, past which clients have given up on the request anyway. -1 never closes."),
        Long("connections.max.idle.ms", "600000", null, Medium,
            "A connection with no byte received or sent for this many milliseconds is closed. -1 never closes idle connections."),
        Int("max.connections", int.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture), AtLeast(0), Medium,
            "Most connections open at once over all listeners. When reached, the broker stops accepting until one closes " +
            "(new clients wait in the socket backlog), as Kafka does. Other brokers use the same listener and count too. " +
            "Ours: never more than half the process's open-file limit, so that sockets cannot take the descriptors the logs need."),
        Int("max.connections.per.ip", int.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture), AtLeast(0), Medium,
            "Most connections open at once from one IP address; a connection over the limit is closed as soon as it is " +
            "accepted. 0 with max.connections.per.ip.overrides admits only the listed addresses; 0 without them is refused at start-up, as Kafka does."),
        List("max.connections.per.ip.overrides", "", PerIpOverrides, Medium,
            "Per-address exceptions to max.connections.per.ip, as host:count pairs, comma-separated " +
            "(e.g. 'hostName:100,127.0.0.1:200'); host names are resolved at start-up."),
    ];

    private static ConfigValidator PerIpOverrides =>
        Custom("host:count, comma-separated; count is a non-negative integer",
            v =>
            {
                foreach (var pair in (IReadOnlyList<string>)v)
                {
                    int colon = pair.LastIndexOf(':');
                    if (colon <= 0 || !int.TryParse(pair.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
                        return $"is invalid: '{pair}' is not of the form host:count";
                }

                return null;
            });

    private static string? ValidateProtocolMap(IReadOnlyList<string> pairs)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var colon = pair.IndexOf(':', StringComparison.Ordinal);
            var name = colon < 0 ? string.Empty : pair[..colon].Trim().ToUpperInvariant();
            var protocol = colon < 0 ? string.Empty : pair[(colon + 1)..].Trim().ToUpperInvariant();
            if (name.Length == 0 || protocol.Length == 0)
                return $"is invalid: '{pair}' is not of the form NAME:PROTOCOL";
            if (!SecurityProtocols.Contains(protocol))
                return $"is invalid: '{protocol}' is not a security protocol (use one of {string.Join(", ", SecurityProtocols)})";
            if (!names.Add(name))
                return $"is invalid: listener name {name} is mapped twice";
        }

        return null;
    }
}
