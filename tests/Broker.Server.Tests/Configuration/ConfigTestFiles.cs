using Broker.Server.Configuration;

namespace Broker.Server.Tests.Configuration;

/// <summary>Properties texts used by the configuration tests, and a shortcut to build a config from text.</summary>
internal static class ConfigTestFiles
{
    /// <summary>The deployment guide's config/server.properties, including its inline <c># 7 days</c> comments.</summary>
    public const string GuideServerProperties = """
        # Broker ID
        broker.id=0
        # Listeners
        listeners=PLAINTEXT://localhost:9092
        # Log directories
        log.dirs=/tmp/kafka-logs
        # ZooKeeper connection
        zookeeper.connect=localhost:2181
        # Replication
        default.replication.factor=1
        min.insync.replicas=1
        # Partitions
        num.partitions=3
        # Log retention
        log.retention.hours=168 # 7 days
        log.segment.bytes=1073741824 # 1GB
        """;

    /// <summary>The guide's config/server-N.properties for the three-broker cluster (N = 1..3).</summary>
    public static string GuideClusterProperties(int n) => $"""
        broker.id={n}
        listeners=PLAINTEXT://localhost:{9091 + n}
        log.dirs=/tmp/kafka-logs-{n}
        zookeeper.connect=localhost:2181
        """;

    /// <summary>
    /// Every key of Kafka's stock (ZooKeeper-mode) config/server.properties, including the ones it ships commented out,
    /// with the values it shows.
    /// </summary>
    public const string StockKafkaServerProperties = """
        broker.id=0
        listeners=PLAINTEXT://:9092
        advertised.listeners=PLAINTEXT://your.host.name:9092
        listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL
        num.network.threads=3
        num.io.threads=8
        socket.send.buffer.bytes=102400
        socket.receive.buffer.bytes=102400
        socket.request.max.bytes=104857600
        log.dirs=/tmp/kafka-logs
        num.partitions=1
        num.recovery.threads.per.data.dir=1
        offsets.topic.replication.factor=1
        transaction.state.log.replication.factor=1
        transaction.state.log.min.isr=1
        log.flush.interval.messages=10000
        log.flush.interval.ms=1000
        log.retention.hours=168
        log.retention.bytes=1073741824
        log.segment.bytes=1073741824
        log.retention.check.interval.ms=300000
        zookeeper.connect=localhost:2181
        zookeeper.connection.timeout.ms=18000
        group.initial.rebalance.delay.ms=0
        """;

    public static BrokerConfig Build(string text, out IReadOnlyList<string> warnings, params string[] overrides) =>
        BrokerConfig.FromEntries(
            PropertiesFile.Parse(text, "server.properties").Concat(overrides.Select(PropertiesFile.ParseOverride)),
            out warnings);

    /// <summary>Builds a config and asserts that it produced no warnings.</summary>
    public static BrokerConfig Build(string text, params string[] overrides)
    {
        var config = Build(text, out var warnings, overrides);
        Assert.That(warnings, Is.Empty);
        return config;
    }

    public static ConfigException BuildFails(string text, params string[] overrides) =>
        Assert.Throws<ConfigException>(() => Build(text, out _, overrides))!;
}
