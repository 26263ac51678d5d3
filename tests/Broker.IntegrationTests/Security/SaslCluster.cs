using Broker.TestKit;

namespace Broker.IntegrationTests.Security;

/// <summary>
/// Settings of a SASL_PLAINTEXT cluster: one listener per broker, PLAIN and both SCRAMs enabled, inter-broker
/// traffic over SASL with PLAIN as user <c>broker</c>; PLAIN users <c>broker</c> and <c>alice</c>.
/// </summary>
internal static class SaslCluster
{
    public const string AlicePassword = "alice-secret";
    public const string BrokerPassword = "broker-secret";

    public static IDictionary<string, string> Settings(int port, string brokerPassword = BrokerPassword) => new Dictionary<string, string>
    {
        ["listeners"] = $"SASL_PLAINTEXT://127.0.0.1:{port}",
        ["security.inter.broker.protocol"] = "SASL_PLAINTEXT",
        ["sasl.enabled.mechanisms"] = "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512",
        ["sasl.mechanism.inter.broker.protocol"] = "PLAIN",
        ["replica.lag.time.max.ms"] = "3000",
        ["listener.name.sasl_plaintext.plain.sasl.jaas.config"] =
            "org.apache.kafka.common.security.plain.PlainLoginModule required " +
            $"username=\"broker\" password=\"{brokerPassword}\" user_broker=\"{BrokerPassword}\" user_alice=\"{AlicePassword}\";",
    };

    /// <summary>librdkafka settings (kcat -X, confluent-kafka-python, Confluent.Kafka) for a user and mechanism.</summary>
    public static Dictionary<string, string> Client(string bootstrap, string mechanism, string user, string password) => new()
    {
        ["bootstrap.servers"] = bootstrap,
        ["security.protocol"] = "SASL_PLAINTEXT",
        ["sasl.mechanism"] = mechanism,
        ["sasl.username"] = user,
        ["sasl.password"] = password,
    };

    public static string[] KcatArgs(string bootstrap, string mechanism, string user, string password) =>
        Client(bootstrap, mechanism, user, password).SelectMany(kv => kv.Key == "bootstrap.servers"
            ? new[] { "-b", kv.Value }
            : new[] { "-X", $"{kv.Key}={kv.Value}" }).ToArray();
}
