using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Broker.Coordination.Scram;

/// <summary>
/// What a server keeps of a SCRAM password (RFC 5802 §3): salt, StoredKey = H(HMAC(SaltedPassword, "Client Key")),
/// ServerKey = HMAC(SaltedPassword, "Server Key") and the iteration count. The password itself is never stored.
/// Kafka's text form (the value under <c>/config/users/&lt;u&gt;</c>) is
/// <c>salt=&lt;b64&gt;,stored_key=&lt;b64&gt;,server_key=&lt;b64&gt;,iterations=&lt;n&gt;</c>. Immutable.
/// </summary>
public sealed record ScramCredential(byte[] Salt, byte[] StoredKey, byte[] ServerKey, int Iterations)
{
    /// <summary>Derives a credential from a password with a fresh random salt of the hash's size.</summary>
    public static ScramCredential FromPassword(ScramMechanism mechanism, string password, int iterations, byte[]? salt = null)
    {
        salt ??= RandomNumberGenerator.GetBytes(mechanism.HashBytes);
        return FromSaltedPassword(mechanism, mechanism.SaltedPassword(password, salt, iterations), salt, iterations);
    }

    /// <summary>Derives a credential from the salted password a client sent (AlterUserScramCredentials).</summary>
    public static ScramCredential FromSaltedPassword(ScramMechanism mechanism, ReadOnlySpan<byte> saltedPassword, byte[] salt, int iterations)
    {
        var clientKey = mechanism.Hmac(saltedPassword, "Client Key"u8);
        var storedKey = mechanism.Digest(clientKey);
        var serverKey = mechanism.Hmac(saltedPassword, "Server Key"u8);
        return new ScramCredential(salt, storedKey, serverKey, iterations);
    }

    /// <summary>Kafka's text form (ScramCredentialUtils.credentialToString).</summary>
    public string Format() =>
        $"salt={Convert.ToBase64String(Salt)},stored_key={Convert.ToBase64String(StoredKey)}," +
        $"server_key={Convert.ToBase64String(ServerKey)},iterations={Iterations.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Parses Kafka's text form; null when a part is missing or malformed.</summary>
    public static ScramCredential? TryParse(string text)
    {
        var parts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in text.Split(','))
        {
            int eq = part.IndexOf('=');
            if (eq <= 0) return null;
            parts[part[..eq]] = part[(eq + 1)..];
        }

        try
        {
            if (!parts.TryGetValue("salt", out var salt) || !parts.TryGetValue("stored_key", out var stored) ||
                !parts.TryGetValue("server_key", out var server) || !parts.TryGetValue("iterations", out var iterations) ||
                !int.TryParse(iterations, NumberStyles.None, CultureInfo.InvariantCulture, out int i))
                return null;
            return new ScramCredential(Convert.FromBase64String(salt), Convert.FromBase64String(stored), Convert.FromBase64String(server), i);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public override string ToString() => $"ScramCredential(iterations={Iterations})"; // never the keys in logs

    internal static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}
