using System.Security.Cryptography;
using System.Text;

namespace Broker.Server.Security.Sasl;

/// <summary>
/// SASL/PLAIN server (RFC 4616) as Kafka's PlainSaslServer: one token <c>[authzid] NUL authcid NUL passwd</c>, the
/// password compared with the JAAS <c>user_&lt;name&gt;</c> entry. The authorization id must be empty or equal the
/// user name. Passwords are compared through their SHA-256 digests with a fixed-time compare, so neither the content
/// nor the length of the expected password leaks through timing. Not thread-safe (one per connection).
/// </summary>
public sealed class PlainServerExchange(IReadOnlyDictionary<string, string> users) : ISaslServerExchange
{
    public const string Name = "PLAIN";

    private bool _done;

    public string Mechanism => Name;

    public SaslStep Evaluate(ReadOnlySpan<byte> clientToken)
    {
        if (_done) return SaslStep.Fail("Unexpected PLAIN message after the exchange ended");
        _done = true;
        int first = clientToken.IndexOf((byte)0);
        int second = first < 0 ? -1 : clientToken[(first + 1)..].IndexOf((byte)0);
        if (second < 0) return SaslStep.Fail("Invalid SASL/PLAIN response: expected 3 tokens");
        second += first + 1;
        string authzid, user;
        var password = clientToken[(second + 1)..];
        try
        {
            var utf8 = new UTF8Encoding(false, true);
            authzid = utf8.GetString(clientToken[..first]);
            user = utf8.GetString(clientToken[(first + 1)..second]);
        }
        catch (DecoderFallbackException)
        {
            return SaslStep.Fail("Invalid SASL/PLAIN response: not UTF-8");
        }

        if (user.Length == 0) return SaslStep.Fail("Authentication failed: username not specified");
        if (password.IsEmpty) return SaslStep.Fail("Authentication failed: password not specified");
        if (authzid.Length > 0 && authzid != user)
            return SaslStep.Fail("Authentication failed: Client requested an authorization id that is different from username");

        // Compare even for an unknown user (against a digest that cannot match), so timing does not reveal users.
        var expected = users.TryGetValue(user, out var known) ? SHA256.HashData(Encoding.UTF8.GetBytes(known)) : new byte[32];
        bool ok = CryptographicOperations.FixedTimeEquals(SHA256.HashData(password), expected) && known is not null;
        return ok
            ? SaslStep.Done([], user)
            : SaslStep.Fail("Authentication failed: Invalid username or password");
    }
}
