using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Broker.ZooKeeper.Sasl;

/// <summary>
/// The client side of SASL DIGEST-MD5 (RFC 2831) as ZooKeeper's servers speak it: no initial response, one
/// digest-challenge answered with a digest-response (qop=auth only, no integrity or privacy layer), then the server's
/// <c>rspauth</c>, which this client verifies, so a server that does not know the password cannot pose as ZooKeeper.
/// The digest-uri is <see cref="ZooKeeperDigestUri"/>: the protocol and server name ZooKeeper's Java client and server
/// use for DIGEST-MD5. One instance per authentication exchange; not thread-safe.
/// </summary>
internal sealed class DigestMd5Client
{
    /// <summary>The digest-uri ZooKeeper's servers expect: protocol "zookeeper", server name "zk-sasl-md5".</summary>
    public const string ZooKeeperDigestUri = "zookeeper/zk-sasl-md5";
    private const string NonceCount = "00000001";

    private readonly string _username;
    private readonly string _password;
    private readonly string _clientNonce;
    private readonly string _digestUri;
    private string? _expectedRspAuth;

    /// <param name="clientNonce">The cnonce; a fresh random one when null (tests pass RFC 2831's example value).</param>
    /// <param name="digestUri">Tests pass RFC 2831's example; ZooKeeper needs the default.</param>
    public DigestMd5Client(string username, string password, string? clientNonce = null, string digestUri = ZooKeeperDigestUri)
    {
        _digestUri = digestUri;
        _username = username;
        _password = password;
        _clientNonce = clientNonce ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
    }

    /// <summary>True once the server's rspauth was verified.</summary>
    public bool IsComplete { get; private set; }

    /// <summary>Answers the server's digest-challenge with the digest-response.</summary>
    /// <exception cref="FormatException">The challenge is malformed or offers no qop this client serves.</exception>
    public byte[] Respond(ReadOnlySpan<byte> challengeBytes)
    {
        var challenge = DirectiveParser.Parse(Encoding.UTF8.GetString(challengeBytes));
        var nonce = challenge.GetValueOrDefault("nonce") ?? throw new FormatException("the DIGEST-MD5 challenge has no nonce");
        var realm = challenge.GetValueOrDefault("realm") ?? string.Empty;
        var qops = (challenge.GetValueOrDefault("qop") ?? "auth").Split(',', StringSplitOptions.TrimEntries);
        if (!qops.Contains("auth"))
            throw new FormatException($"the server offers qop '{challenge["qop"]}' only; this client serves 'auth'");
        if (challenge.GetValueOrDefault("algorithm") != "md5-sess")
            throw new FormatException("the DIGEST-MD5 challenge must name algorithm=md5-sess");
        bool utf8 = challenge.GetValueOrDefault("charset") == "utf-8";

        string response = ResponseValue(realm, nonce, utf8, "AUTHENTICATE:" + _digestUri);
        _expectedRspAuth = ResponseValue(realm, nonce, utf8, ":" + _digestUri);
        var sb = new StringBuilder();
        if (utf8) sb.Append("charset=utf-8,");
        sb.Append("username=\"").Append(Quote(_username)).Append("\",");
        if (realm.Length > 0) sb.Append("realm=\"").Append(Quote(realm)).Append("\",");
        sb.Append("nonce=\"").Append(Quote(nonce)).Append("\",nc=").Append(NonceCount)
            .Append(",cnonce=\"").Append(Quote(_clientNonce)).Append("\",digest-uri=\"").Append(_digestUri)
            .Append("\",maxbuf=65536,response=").Append(response).Append(",qop=auth");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>Checks the server's final message (<c>rspauth=...</c>).</summary>
    /// <exception cref="FormatException">The server's proof is missing or wrong.</exception>
    public void VerifyServer(ReadOnlySpan<byte> finalBytes)
    {
        var final = DirectiveParser.Parse(Encoding.UTF8.GetString(finalBytes));
        if (_expectedRspAuth is null || final.GetValueOrDefault("rspauth") != _expectedRspAuth)
            throw new FormatException("the server's DIGEST-MD5 rspauth does not match: it does not know this user's password");
        IsComplete = true;
    }

    /// <summary>
    /// RFC 2831 2.1.2.1: HEX(KD(HEX(H(A1)), nonce:nc:cnonce:qop:HEX(H(A2)))) with md5-sess A1 =
    /// H(user:realm:password):nonce:cnonce. <paramref name="a2"/> is "AUTHENTICATE:uri" for the client's response and
    /// ":uri" for the server's rspauth.
    /// </summary>
    private string ResponseValue(string realm, string nonce, bool utf8, string a2)
    {
        var encoding = utf8 ? Encoding.UTF8 : Encoding.Latin1;
        byte[] userHash = MD5.HashData(encoding.GetBytes($"{_username}:{realm}:{_password}"));
        byte[] a1 = [.. userHash, .. Encoding.UTF8.GetBytes($":{nonce}:{_clientNonce}")];
        string ha1 = Hex(MD5.HashData(a1));
        string ha2 = Hex(MD5.HashData(Encoding.UTF8.GetBytes(a2)));
        return Hex(MD5.HashData(Encoding.UTF8.GetBytes($"{ha1}:{nonce}:{NonceCount}:{_clientNonce}:auth:{ha2}")));
    }

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLower(CultureInfo.InvariantCulture);

    private static string Quote(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
