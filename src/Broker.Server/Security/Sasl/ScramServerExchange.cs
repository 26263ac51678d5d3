using Broker.Coordination.Scram;
using System.Security.Cryptography;
using System.Text;

namespace Broker.Server.Security.Sasl;

/// <summary>
/// SCRAM server (RFC 5802, RFC 7677) as Kafka's ScramSaslServer: client-first → server-first → client-final →
/// server-final. No channel binding (a client asking for it, gs2 flag <c>p</c>, is refused) and no extensions
/// (Kafka's <c>tokenauth</c> for delegation tokens, which this broker does not serve, is refused). The proof is
/// checked in constant time. An unknown user fails at the first message with the same text as a wrong password, so
/// the answer does not tell which users exist. Not thread-safe (one per connection).
/// </summary>
public sealed class ScramServerExchange : ISaslServerExchange
{
    /// <summary>The generic failure text, for unknown users and wrong passwords alike.</summary>
    public string FailureMessage =>
        $"Authentication failed during authentication due to invalid credentials with SASL mechanism {_mechanism.Name}";

    private readonly ScramMechanism _mechanism;
    private readonly Func<string, ScramCredential?> _credentials;
    private readonly Func<string> _nonce;
    private State _state = State.ReceiveClientFirst;
    private string _clientFirstBare = "", _serverFirst = "", _nonceValue = "", _gs2Header = "", _user = "";
    private ScramCredential? _credential;

    /// <param name="credentials">The user's credential for this mechanism, or null when there is none.</param>
    /// <param name="nonce">The server's nonce part (tests pin it); 32 random bytes in base64 by default.</param>
    public ScramServerExchange(ScramMechanism mechanism, Func<string, ScramCredential?> credentials, Func<string>? nonce = null)
    {
        _mechanism = mechanism;
        _credentials = credentials;
        _nonce = nonce ?? (() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)));
    }

    public string Mechanism => _mechanism.Name;

    private enum State
    {
        ReceiveClientFirst,
        ReceiveClientFinal,
        Complete,
        Failed,
    }

    public SaslStep Evaluate(ReadOnlySpan<byte> clientToken)
    {
        string message;
        try
        {
            message = new UTF8Encoding(false, true).GetString(clientToken);
        }
        catch (DecoderFallbackException)
        {
            return Fail("Invalid SCRAM message: not UTF-8");
        }

        return _state switch
        {
            State.ReceiveClientFirst => ClientFirst(message),
            State.ReceiveClientFinal => ClientFinal(message),
            _ => Fail("Unexpected SCRAM message after the exchange ended"),
        };
    }

    private SaslStep ClientFirst(string message)
    {
        // gs2-header = gs2-cbind-flag "," [ authzid ] "," ; then client-first-message-bare.
        int first = message.IndexOf(',');
        int second = first < 0 ? -1 : message.IndexOf(',', first + 1);
        if (second < 0) return Fail("Invalid SCRAM client-first message");
        string flag = message[..first];
        if (flag is not ("n" or "y")) return Fail("Invalid SCRAM client-first message: channel binding is not supported");
        string authzid = message[(first + 1)..second];
        _gs2Header = message[..(second + 1)];
        _clientFirstBare = message[(second + 1)..];
        var attributes = Attributes(_clientFirstBare);
        if (attributes is null || !attributes.TryGetValue('n', out var saslName) || !attributes.TryGetValue('r', out var clientNonce) ||
            clientNonce.Length == 0 || !_clientFirstBare.StartsWith("n=", StringComparison.Ordinal))
            return Fail("Invalid SCRAM client-first message");
        if (attributes.Count != 2)
            return Fail("Invalid SCRAM client-first message: extensions are not supported");
        var user = DecodeName(saslName);
        if (user is null || user.Length == 0) return Fail("Invalid SCRAM client-first message: bad user name");
        if (authzid.Length > 0 && (!authzid.StartsWith("a=", StringComparison.Ordinal) || DecodeName(authzid[2..]) != user))
            return Fail("Authentication failed: Client requested an authorization id that is different from username");

        _credential = _credentials(user);
        if (_credential is null) return Fail(FailureMessage);
        _user = user;
        _nonceValue = clientNonce + _nonce();
        _serverFirst = $"r={_nonceValue},s={Convert.ToBase64String(_credential.Salt)},i={_credential.Iterations}";
        _state = State.ReceiveClientFinal;
        return SaslStep.Continue(Encoding.UTF8.GetBytes(_serverFirst));
    }

    private SaslStep ClientFinal(string message)
    {
        int proofAt = message.LastIndexOf(",p=", StringComparison.Ordinal);
        if (proofAt < 0) return Fail("Invalid SCRAM client-final message");
        string withoutProof = message[..proofAt];
        var attributes = Attributes(withoutProof);
        if (attributes is null || !attributes.TryGetValue('c', out var binding) || !attributes.TryGetValue('r', out var nonce))
            return Fail("Invalid SCRAM client-final message");
        if (binding != Convert.ToBase64String(Encoding.UTF8.GetBytes(_gs2Header)))
            return Fail("Invalid SCRAM client-final message: channel binding does not match");
        // Kafka's ScramSaslServer accepts a nonce that ends with the server's (not only an equal one): librdkafka
        // (2.0.2, kcat's) sends its client nonce once more in front. The nonce is not secret; the proof, computed over
        // the message as sent, is what authenticates.
        if (!nonce.EndsWith(_nonceValue, StringComparison.Ordinal))
            return Fail("Invalid SCRAM client-final message: nonce does not match");

        byte[] proof;
        try
        {
            proof = Convert.FromBase64String(message[(proofAt + 3)..]);
        }
        catch (FormatException)
        {
            return Fail("Invalid SCRAM client-final message: proof is not base64");
        }

        var credential = _credential!;
        var authMessage = Encoding.UTF8.GetBytes($"{_clientFirstBare},{_serverFirst},{withoutProof}");
        var clientSignature = _mechanism.Hmac(credential.StoredKey, authMessage);
        if (proof.Length != clientSignature.Length) return Fail(FailureMessage);
        var clientKey = new byte[proof.Length];
        for (int i = 0; i < proof.Length; i++) clientKey[i] = (byte)(proof[i] ^ clientSignature[i]);
        if (!CryptographicOperations.FixedTimeEquals(_mechanism.Digest(clientKey), credential.StoredKey))
            return Fail(FailureMessage);

        var serverSignature = _mechanism.Hmac(credential.ServerKey, authMessage);
        _state = State.Complete;
        return SaslStep.Done(Encoding.UTF8.GetBytes("v=" + Convert.ToBase64String(serverSignature)), _user);
    }

    private SaslStep Fail(string error)
    {
        _state = State.Failed;
        return SaslStep.Fail(error);
    }

    /// <summary>Splits <c>k=v,k=v</c> into single-letter keys; null when malformed or a key repeats.</summary>
    internal static Dictionary<char, string>? Attributes(string text)
    {
        var result = new Dictionary<char, string>();
        foreach (var part in text.Split(','))
        {
            if (part.Length < 2 || part[1] != '=' || !char.IsAsciiLetter(part[0])) return null;
            if (!result.TryAdd(part[0], part[2..])) return null;
        }

        return result;
    }

    /// <summary>RFC 5802 saslname: "=2C" is ',' and "=3D" is '='; any other '=' is malformed (null).</summary>
    internal static string? DecodeName(string saslName)
    {
        var sb = new StringBuilder(saslName.Length);
        for (int i = 0; i < saslName.Length; i++)
        {
            if (saslName[i] != '=')
            {
                sb.Append(saslName[i]);
                continue;
            }

            if (i + 2 >= saslName.Length) return null;
            string code = saslName.Substring(i + 1, 2);
            if (code == "2C") sb.Append(',');
            else if (code == "3D") sb.Append('=');
            else return null;
            i += 2;
        }

        return sb.ToString();
    }
}
