using System.Globalization;
using static Broker.Server.Configuration.ConfigImportance;
using static Broker.Server.Configuration.ConfigValidator;

namespace Broker.Server.Configuration;

public static partial class BrokerConfigDef
{
    private static ConfigValidator ZooKeeperConnectString =>
        Custom("host[:port],host[:port]...[/chroot]", v => ValidateZooKeeperConnect((string)v));

    private static IEnumerable<ConfigKey> ZooKeeper() =>
    [
        Str("zookeeper.connect", null, ZooKeeperConnectString, High,
            "ZooKeeper servers as host:port pairs, comma-separated, optionally followed by a chroot path " +
            "(e.g. zk1:2181,zk2:2181/kafka). A port may be left out (2181). Required to start a broker."),
        Int("zookeeper.session.timeout.ms", "18000", AtLeast(1), High,
            "ZooKeeper session timeout, in milliseconds. A broker whose session expires is considered dead."),
        Int("zookeeper.connection.timeout.ms", null, AtLeast(1), High,
            "Longest wait for a ZooKeeper connection, in milliseconds. Unset means zookeeper.session.timeout.ms."),
        Int("zookeeper.max.in.flight.requests", "10", AtLeast(1), High,
            "Unanswered requests the broker may have outstanding with ZooKeeper."),
        Bool("zookeeper.set.acl", "false", High,
            "Create znodes with secure ACLs: the broker's SASL identity may change them, anyone may read them (except SCRAM " +
            "credentials and broker configs, readable by the broker only). Requires ZooKeeper credentials: a JAAS file " +
            "with a Client section (DigestLoginModule username/password) named by BROKER_JAAS_CONFIG or by " +
            "-Djava.security.auth.login.config in KAFKA_OPTS; start-up is refused without them."),
        Long("broker.metadata.reconcile.interval.ms", "30000", AtLeast(0), Low,
            "Not a Kafka setting. How often a broker re-reads the cluster layout from ZooKeeper even when no watch fired, " +
            "warns about any hosted partition whose role or leader epoch drifted and repairs it, in milliseconds " +
            "(a safety net against a lost watch notification). 0 turns it off."),
    ];

    private static string? ValidateZooKeeperConnect(string text)
    {
        if (text.Length == 0)
            return "must not be empty";

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var hosts = slash < 0 ? text : text[..slash];
        if (slash >= 0)
        {
            var chroot = text[slash..];
            if (chroot.Length > 1 && chroot.EndsWith('/'))
                return $"is invalid: chroot '{chroot}' must not end with '/'";
            if (chroot.Contains("//", StringComparison.Ordinal) || chroot.Contains(',', StringComparison.Ordinal))
                return $"is invalid: '{chroot}' is not a valid chroot path";
        }

        foreach (var server in hosts.Split(','))
        {
            var entry = server.Trim();
            var colon = entry.LastIndexOf(':');
            var host = colon < 0 ? entry : entry[..colon];
            if (host.Length == 0)
                return $"is invalid: '{entry}' has no host (expected host:port, e.g. localhost:2181)";
            if (colon >= 0 && (!int.TryParse(entry[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port)
                               || port is < 1 or > 65535))
                return $"is invalid: '{entry}' has a bad port (expected 1 to 65535)";
        }

        return null;
    }
}
