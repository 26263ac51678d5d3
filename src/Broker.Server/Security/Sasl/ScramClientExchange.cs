using Broker.Coordination.Scram;
using System.Security.Cryptography;
using System.Text;

namespace Broker.Server.Security.Sasl;

/// <summary>
/// SCRAM client (RFC 5802), for the broker's own inter-broker connections: builds client-first, answers the
/// server-first with the proof, and checks the server's signature (a server that does not know the credential cannot
/// forge it). Not thread-safe (one per connection).
/// </summary>
public sealed class ScramClientExchange(ScramMechanism mechanism, string user, string password, string? clientNonce = null)
{
    private readonly string _nonce = clientNonce ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
    private string _clientFirstBare = "";
    private byte[]? _expectedServerSignature;

    public byte[] ClientFirst()
    {
        _clientFirstBare = $"n={user.Replace("=", "=3D").Replace(",", "=2C")},r={_nonce}";
        return Encoding.UTF8.GetBytes("n,," + _clientFirstBare);
    }

    /// <exception cref="InvalidOperationException">The server's message is malformed or its nonce is not ours.</exception>
    public byte[] ClientFinal(ReadOnlySpan<byte> serverFirst)
    {
        string text = Encoding.UTF8.GetString(serverFirst);
        var attributes = ScramServerExchange.Attributes(text)
                         ?? throw new InvalidOperationException("malformed SCRAM server-first message");
        if (!attributes.TryGetValue('r', out var nonce) || !nonce.StartsWith(_nonce, StringComparison.Ordinal) ||
            !attributes.TryGetValue('s', out var salt) || !attributes.TryGetValue('i', out var iterationsText) ||
            !int.TryParse(iterationsText, out int iterations) || iterations < 1)
            throw new InvalidOperationException("malformed SCRAM server-first message");
        var saltedPassword = mechanism.SaltedPassword(password, Convert.FromBase64String(salt), iterations);
        var clientKey = mechanism.Hmac(saltedPassword, "Client Key"u8);
        var storedKey = mechanism.Digest(clientKey);
        string withoutProof = $"c=biws,r={nonce}";
        var authMessage = Encoding.UTF8.GetBytes($"{_clientFirstBare},{text},{withoutProof}");
        var signature = mechanism.Hmac(storedKey, authMessage);
        for (int i = 0; i < clientKey.Length; i++) clientKey[i] ^= signature[i];
        _expectedServerSignature = mechanism.Hmac(mechanism.Hmac(saltedPassword, "Server Key"u8), authMessage);
        return Encoding.UTF8.GetBytes($"{withoutProof},p={Convert.ToBase64String(clientKey)}");
    }

    /// <summary>True when the server-final message proves the server knows the credential.</summary>
    public bool VerifyServerFinal(ReadOnlySpan<byte> serverFinal)
    {
        string text = Encoding.UTF8.GetString(serverFinal);
        if (_expectedServerSignature is null || !text.StartsWith("v=", StringComparison.Ordinal)) return false;
        try
        {
            return CryptographicOperations.FixedTimeEquals(Convert.FromBase64String(text[2..]), _expectedServerSignature);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
