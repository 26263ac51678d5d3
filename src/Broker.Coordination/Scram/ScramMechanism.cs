using System.Security.Cryptography;

namespace Broker.Coordination.Scram;

/// <summary>
/// One SCRAM variant (RFC 5802 with RFC 7677's SHA-256, or SHA-512 as Kafka adds): its name, the hash it uses and the
/// id the SCRAM admin APIs give it (KIP-554: 1 = SCRAM-SHA-256, 2 = SCRAM-SHA-512). Immutable; thread-safe.
/// </summary>
public sealed class ScramMechanism
{
    /// <summary>Kafka's lower bound: a credential with fewer iterations is refused (UNACCEPTABLE_CREDENTIAL).</summary>
    public const int MinIterations = 4096;

    /// <summary>Kafka's upper bound for credentials (ScramMechanism.maxIterations).</summary>
    public const int MaxIterations = 16384;

    public static readonly ScramMechanism Sha256 = new("SCRAM-SHA-256", 1, HashAlgorithmName.SHA256, 32);

    public static readonly ScramMechanism Sha512 = new("SCRAM-SHA-512", 2, HashAlgorithmName.SHA512, 64);

    public static IReadOnlyList<ScramMechanism> All { get; } = [Sha256, Sha512];

    private ScramMechanism(string name, sbyte id, HashAlgorithmName hash, int hashBytes)
    {
        Name = name;
        Id = id;
        Hash = hash;
        HashBytes = hashBytes;
    }

    /// <summary>The SASL mechanism name, e.g. <c>SCRAM-SHA-256</c>; also the key under <c>/config/users/&lt;u&gt;</c>.</summary>
    public string Name { get; }

    /// <summary>KIP-554's mechanism byte.</summary>
    public sbyte Id { get; }

    public HashAlgorithmName Hash { get; }

    /// <summary>Output size of the hash in bytes (32 or 64).</summary>
    public int HashBytes { get; }

    public static ScramMechanism? FromName(string name) => All.FirstOrDefault(m => m.Name == name);

    public static ScramMechanism? FromId(sbyte id) => All.FirstOrDefault(m => m.Id == id);

    public byte[] Hmac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data) => Hash.Name switch
    {
        "SHA256" => HMACSHA256.HashData(key, data),
        _ => HMACSHA512.HashData(key, data),
    };

    public byte[] Digest(ReadOnlySpan<byte> data) => Hash.Name switch
    {
        "SHA256" => SHA256.HashData(data),
        _ => SHA512.HashData(data),
    };

    /// <summary>RFC 5802's Hi(): PBKDF2 with this hash, one block of the hash's size.</summary>
    public byte[] SaltedPassword(string password, ReadOnlySpan<byte> salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, Hash, HashBytes);

    public override string ToString() => Name;
}
