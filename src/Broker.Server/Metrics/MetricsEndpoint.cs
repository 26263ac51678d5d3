using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Broker.Server.Metrics;

/// <summary>
/// The parsed <c>metrics.listener</c>: <c>http://HOST:PORT</c> (no path, no TLS). HOST <c>0.0.0.0</c> (or <c>*</c>)
/// listens on every interface. The endpoint serves <c>/metrics</c>, <c>/health/live</c> and <c>/health/ready</c>.
/// Immutable.
/// </summary>
public sealed record MetricsEndpoint(string Host, int Port)
{
    /// <summary>
    /// The address to listen on: every interface (IPv6 any, dual mode) for <c>0.0.0.0</c>, <c>*</c> or an empty host;
    /// 127.0.0.1 for <c>localhost</c>; the literal address; else the host name's first IPv4 address (or first address).
    /// </summary>
    public IPAddress BindAddress()
    {
        if (Host is "0.0.0.0" or "*" or "" or "+") return IPAddress.IPv6Any;
        if (Host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return IPAddress.Loopback;
        if (IPAddress.TryParse(Host.Trim('[', ']'), out var literal)) return literal;
        var addresses = Dns.GetHostAddresses(Host);
        return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.First();
    }

    public override string ToString() => $"http://{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Parses <paramref name="value"/>; returns null and the reason when it is not <c>http://HOST:PORT</c>.</summary>
    public static MetricsEndpoint? TryParse(string value, out string? error)
    {
        error = null;
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
            error = "must be http://HOST:PORT (for example http://localhost:9404)";
        else if (uri.AbsolutePath is not "/" || uri.Query.Length > 0 || uri.UserInfo.Length > 0)
            error = "must be http://HOST:PORT without a path (the endpoint serves /metrics, /health/live and /health/ready)";
        else if (!HasExplicitPort(value) || uri.Port is < 1 or > 65535)
            error = "must name a port between 1 and 65535 (for example http://localhost:9404)";
        return error is null ? new MetricsEndpoint(uri!.Host, uri.Port) : null;
    }

    private static bool HasExplicitPort(string value)
    {
        string rest = value.Trim()[(value.Trim().IndexOf("://", StringComparison.Ordinal) + 3)..].TrimEnd('/');
        int colon = rest.LastIndexOf(':');
        return colon > 0 && colon > rest.LastIndexOf(']') && rest[(colon + 1)..].All(char.IsAsciiDigit) && colon + 1 < rest.Length;
    }
}
