using System.Globalization;
using System.Net;

namespace Broker.Server.Configuration;

/// <summary>
/// One listener, written <c>NAME://host:port</c>. <see cref="Host"/> is empty for "all interfaces", and IPv6 hosts are
/// stored without brackets (<c>[::1]</c> → <c>::1</c>). <see cref="ListenerName"/> is upper-cased, as Kafka does.
/// Port 0 asks the OS for a free port (useful in tests). Immutable.
/// </summary>
public sealed record ListenerEndpoint(string ListenerName, string Host, int Port)
{
    /// <summary>True when the listener binds every interface (empty host, <c>0.0.0.0</c> or <c>::</c>).</summary>
    public bool IsWildcard => Host.Length == 0 || Host is "0.0.0.0" or "::";

    /// <summary>Back to <c>NAME://host:port</c>, re-bracketing IPv6 hosts.</summary>
    public override string ToString() =>
        Host.Contains(':', StringComparison.Ordinal)
            ? $"{ListenerName}://[{Host}]:{Port}"
            : $"{ListenerName}://{Host}:{Port}";

    /// <summary>Parses one listener.</summary>
    /// <exception cref="FormatException">The text is not a listener; the message says why.</exception>
    public static ListenerEndpoint Parse(string text) =>
        TryParse(text, out var endpoint, out var error) ? endpoint : throw new FormatException(error);

    /// <summary>Parses one listener; on failure <paramref name="error"/> is a sentence for the operator.</summary>
    public static bool TryParse(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ListenerEndpoint? endpoint, out string error)
    {
        endpoint = null;
        var trimmed = text.Trim();
        var scheme = trimmed.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
            return Fail($"'{trimmed}' is not a listener: expected NAME://host:port, e.g. PLAINTEXT://localhost:9092", out error);

        var name = trimmed[..scheme];
        if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            return Fail($"'{trimmed}' has a bad listener name '{name}': use letters, digits, '_' or '-' (e.g. PLAINTEXT)", out error);

        var address = trimmed[(scheme + 3)..];
        var colon = address.LastIndexOf(':');
        if (colon < 0)
            return Fail($"'{trimmed}' has no port: expected {name}://host:port", out error);

        var host = address[..colon];
        var portText = address[(colon + 1)..];
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
            return Fail($"'{trimmed}' has a bad port '{portText}': must be a number from 0 to 65535", out error);

        if (host.StartsWith('[') || host.EndsWith(']'))
        {
            if (!(host.StartsWith('[') && host.EndsWith(']')) || !IPAddress.TryParse(host[1..^1], out var v6)
                || v6.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
                return Fail($"'{trimmed}' has a bad IPv6 host '{host}': expected e.g. [::1]", out error);
            host = host[1..^1];
        }
        else if (host.Contains(':', StringComparison.Ordinal))
        {
            return Fail($"'{trimmed}' has an IPv6 host without brackets: write it as {name}://[{host}]:{port}", out error);
        }
        else if (!host.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
        {
            return Fail($"'{trimmed}' has a bad host name '{host}'", out error);
        }

        endpoint = new ListenerEndpoint(name.ToUpperInvariant(), host, port);
        error = string.Empty;
        return true;
    }

    /// <summary>
    /// Checks a whole <c>listeners</c> list: each item parses and no two share a name. Returns null or the reason.
    /// </summary>
    internal static string? ValidateList(IReadOnlyList<string> items)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (!TryParse(item, out var endpoint, out var error))
                return "is invalid: " + error;
            if (!names.Add(endpoint.ListenerName))
                return $"is invalid: listener name {endpoint.ListenerName} is used twice; each listener needs its own name";
        }

        return null;
    }

    private static bool Fail(string message, out string error)
    {
        error = message;
        return false;
    }
}
