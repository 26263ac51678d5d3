using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Broker.Network;

/// <summary>
/// Kafka's default principal of a TLS client (<c>ssl.principal.mapping.rules=DEFAULT</c>): <c>User:</c> followed by
/// the certificate subject as Java's <c>X500Principal.getName()</c> prints it (RFC 2253: most specific attribute
/// first, comma-separated without spaces, e.g. <c>User:CN=client,OU=eng,O=org,C=US</c>). Pure; thread-safe.
/// </summary>
public static class KafkaPrincipal
{
    /// <summary>RFC 2253's keywords; any other attribute is printed as its dotted OID, as Java does.</summary>
    private static readonly Dictionary<string, string> Keywords = new(StringComparer.Ordinal)
    {
        ["2.5.4.3"] = "CN", ["2.5.4.6"] = "C", ["2.5.4.7"] = "L", ["2.5.4.8"] = "ST", ["2.5.4.10"] = "O",
        ["2.5.4.11"] = "OU", ["2.5.4.9"] = "STREET", ["0.9.2342.19200300.100.1.25"] = "DC", ["0.9.2342.19200300.100.1.1"] = "UID",
    };

    public static string FromCertificate(X509Certificate2 certificate) => "User:" + Rfc2253(certificate.SubjectName);

    public static string Rfc2253(X500DistinguishedName name)
    {
        var text = new StringBuilder();
        foreach (var rdn in name.EnumerateRelativeDistinguishedNames(reversed: true)) // most specific first, as RFC 2253
        {
            if (text.Length > 0) text.Append(',');
            string oid = rdn.GetSingleElementType().Value ?? "?";
            text.Append(Keywords.TryGetValue(oid, out var keyword) ? keyword : oid).Append('=');
            Escape(text, rdn.GetSingleElementValue() ?? string.Empty);
        }

        return text.ToString();
    }

    private static void Escape(StringBuilder text, string value)
    {
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (c is ',' or '+' or '"' or '\\' or '<' or '>' or ';' || (i == 0 && c is '#' or ' ') || (i == value.Length - 1 && c == ' '))
                text.Append('\\');
            text.Append(c);
        }
    }
}
