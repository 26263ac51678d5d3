using System.Net;

namespace Broker.ZooKeeper;

/// <summary>A parsed connect string: server endpoints in the given order plus an optional chroot ("" = none).</summary>
internal sealed record ConnectionString(IReadOnlyList<DnsEndPoint> Hosts, string Chroot)
{
    private const int DefaultPort = 2181;

    public static ConnectionString Parse(string connectString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectString);
        var slash = connectString.IndexOf('/');
        var hostPart = slash < 0 ? connectString : connectString[..slash];
        var chroot = slash < 0 ? string.Empty : connectString[slash..].TrimEnd('/');
        if (chroot.Length > 0)
        {
            ZooKeeperPath.Validate(chroot);
        }

        var hosts = new List<DnsEndPoint>();
        foreach (var entry in hostPart.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = entry.LastIndexOf(':');
            if (colon < 0)
            {
                hosts.Add(new DnsEndPoint(entry, DefaultPort));
            }
            else if (int.TryParse(entry.AsSpan(colon + 1), out var port) && port is > 0 and < 65536)
            {
                hosts.Add(new DnsEndPoint(entry[..colon], port));
            }
            else
            {
                throw new ArgumentException($"Invalid host:port '{entry}' in ZooKeeper connect string.", nameof(connectString));
            }
        }

        if (hosts.Count == 0)
        {
            throw new ArgumentException("ZooKeeper connect string names no host.", nameof(connectString));
        }

        return new ConnectionString(hosts, chroot);
    }
}
