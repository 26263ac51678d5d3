using System.Globalization;

namespace Broker.Server.Metrics;

/// <summary>
/// The parsed <c>metrics.listener</c>: <c>http://HOST:PORT</c> (no path, no TLS). HOST <c>0.0.0.0</c> (or <c>*</c>)
/// listens on every interface. The endpoint serves <c>/metrics</c>, <c>/health/live</c> and <c>/health/ready</c>.
/// Immutable.
/// </summary>
public sealed record MetricsEndpoint(string Host, int Port)
{
    /// <summary>The HttpListener prefix for this endpoint.</summary>
    public string Prefix => $"http://{(Host is "0.0.0.0" or "*" or "" ? "+" : Host)}:{Port.ToString(CultureInfo.InvariantCulture)}/";

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
