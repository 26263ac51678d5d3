namespace Broker.FaultSuite.Net;

/// <summary>
/// Network partitions as iptables DROP rules inside one host's namespace. <see cref="Cut"/> drops both directions
/// between the host and the peers (INPUT from them and OUTPUT to them); <see cref="DropFrom"/> only what arrives from
/// them (one direction). <see cref="Heal"/> flushes the host's rules. Established TCP connections are cut too (DROP
/// applies to every packet), so both sides see silence, not a reset, as in a real partition.
/// </summary>
public static class Firewall
{
    public static void Cut(string ns, IEnumerable<string> peers)
    {
        foreach (var peer in peers)
        {
            Shell.InNamespace(ns, "iptables", "-A", "INPUT", "-s", peer, "-j", "DROP");
            Shell.InNamespace(ns, "iptables", "-A", "OUTPUT", "-d", peer, "-j", "DROP");
        }
    }

    public static void DropFrom(string ns, IEnumerable<string> peers)
    {
        foreach (var peer in peers) Shell.InNamespace(ns, "iptables", "-A", "INPUT", "-s", peer, "-j", "DROP");
    }

    public static void Heal(string ns) => Shell.InNamespace(ns, "iptables", "-F");

    /// <summary>Flushes the rules of every suite namespace (best effort: used in finally blocks).</summary>
    public static void HealAll()
    {
        foreach (var ns in new[] { 1, 2, 3 }.Select(Hosts.BrokerNamespace).Concat(new[] { 1, 2, 3 }.Select(Hosts.ZooKeeperNamespace)))
        {
            try { Heal(ns); } catch (InvalidOperationException) { }
        }
    }
}
