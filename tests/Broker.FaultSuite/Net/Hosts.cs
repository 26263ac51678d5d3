namespace Broker.FaultSuite.Net;

/// <summary>
/// The suite's test hosts: network namespaces created by bin/fault-test.sh on the bridge kbr0 (10.77.0.0/24). Broker
/// N runs in kn&lt;N&gt; at 10.77.0.N; ZooKeeper server S (1..3) in kn&lt;9+S&gt; at 10.77.0.&lt;9+S&gt;; the clients run in the
/// root namespace, reaching the bridge from 10.77.0.254. Only these addresses are ever targeted.
/// </summary>
public static class Hosts
{
    public const string ClientAddress = "10.77.0.254";

    public static string BrokerNamespace(int brokerId) => $"kn{brokerId}";

    public static string BrokerAddress(int brokerId) => $"10.77.0.{brokerId}";

    public static string ZooKeeperNamespace(int server) => $"kn{9 + server}";

    public static string ZooKeeperAddress(int server) => $"10.77.0.{9 + server}";
}
