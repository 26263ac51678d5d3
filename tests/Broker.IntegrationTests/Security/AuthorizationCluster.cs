namespace Broker.IntegrationTests.Security;

/// <summary>
/// Settings of a SASL_PLAINTEXT cluster with Kafka's ACL authorizer: PLAIN users broker, admin, alice, bob and carol;
/// the brokers' own principal (User:broker) and User:admin are super users, so replication and the controller's
/// requests keep working while every client principal needs ACLs.
/// </summary>
internal static class AuthorizationCluster
{
    public const string Password = "secret";

    public static IDictionary<string, string> Settings(int port)
    {
        var s = SaslCluster.Settings(port);
        s["listener.name.sasl_plaintext.plain.sasl.jaas.config"] =
            "org.apache.kafka.common.security.plain.PlainLoginModule required " +
            $"username=\"broker\" password=\"{SaslCluster.BrokerPassword}\" user_broker=\"{SaslCluster.BrokerPassword}\" " +
            $"user_admin=\"{Password}\" user_alice=\"{Password}\" user_bob=\"{Password}\" user_carol=\"{Password}\";";
        s["authorizer.class.name"] = "kafka.security.authorizer.AclAuthorizer";
        s["super.users"] = "User:broker;User:admin";
        s["group.initial.rebalance.delay.ms"] = "0";
        return s;
    }

    public static Dictionary<string, string> Client(string bootstrap, string user) => SaslCluster.Client(bootstrap, "PLAIN", user, Password);
}
