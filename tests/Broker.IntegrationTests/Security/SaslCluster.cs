using Broker.TestKit;
using Broker.TestKit.Tls;

namespace Broker.IntegrationTests.Security;

/// <summary>
/// Settings of a SASL_PLAINTEXT cluster: one listener per broker, PLAIN and both SCRAMs enabled, inter-broker
/// traffic over SASL with PLAIN as user <c>broker</c>; PLAIN users <c>broker</c> and <c>alice</c>. With
/// <c>tls</c> the listener is SASL_SSL instead (PEM key and trust stores from <see cref="TestCertificates"/>, the broker
/// certificate valid for 127.0.0.1), so inter-broker traffic is SASL over TLS.
/// </summary>
internal static class SaslCluster
{
    public const string AlicePassword = "alice-secret";
    public const string BrokerPassword = "broker-secret";

    public static IDictionary<string, string> Settings(int port, string brokerPassword = BrokerPassword, TestCertificates? tls = null)
    {
        string protocol = tls is null ? "SASL_PLAINTEXT" : "SASL_SSL";
        var settings = new Dictionary<string, string>
        {
            ["listeners"] = $"{protocol}://127.0.0.1:{port}",
            ["security.inter.broker.protocol"] = protocol,
            ["sasl.enabled.mechanisms"] = "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512",
            ["sasl.mechanism.inter.broker.protocol"] = "PLAIN",
            ["replica.lag.time.max.ms"] = "3000",
            [$"listener.name.{protocol.ToLowerInvariant()}.plain.sasl.jaas.config"] =
                "org.apache.kafka.common.security.plain.PlainLoginModule required " +
                $"username=\"broker\" password=\"{brokerPassword}\" user_broker=\"{BrokerPassword}\" user_alice=\"{AlicePassword}\";",
        };
        if (tls is not null)
        {
            settings["ssl.keystore.type"] = "PEM";
            settings["ssl.keystore.location"] = tls.BrokerKeystorePem;
            settings["ssl.truststore.type"] = "PEM";
            settings["ssl.truststore.location"] = tls.CaPem;
        }

        return settings;
    }

    /// <summary>librdkafka settings (kcat -X, confluent-kafka-python, Confluent.Kafka) for a user and mechanism.</summary>
    /// <param name="caPem">The CA to trust: the connection is SASL_SSL; null for SASL_PLAINTEXT.</param>
    public static Dictionary<string, string> Client(string bootstrap, string mechanism, string user, string password, string? caPem = null)
    {
        var client = new Dictionary<string, string>
        {
            ["bootstrap.servers"] = bootstrap,
            ["security.protocol"] = caPem is null ? "SASL_PLAINTEXT" : "SASL_SSL",
            ["sasl.mechanism"] = mechanism,
            ["sasl.username"] = user,
            ["sasl.password"] = password,
        };
        if (caPem is not null) client["ssl.ca.location"] = caPem;
        return client;
    }

    public static string[] KcatArgs(string bootstrap, string mechanism, string user, string password, string? caPem = null) =>
        Client(bootstrap, mechanism, user, password, caPem).SelectMany(kv => kv.Key == "bootstrap.servers"
            ? new[] { "-b", kv.Value }
            : new[] { "-X", $"{kv.Key}={kv.Value}" }).ToArray();
}
