using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Broker.Protocol;

/// <summary>
/// Kafka's 128-bit UUID (topic ids, directory ids): two int64 halves, most significant first, big-endian on the wire.
/// The text form is Kafka's: the 16 bytes in URL-safe base64 without padding (always 22 characters).
/// </summary>
public readonly record struct KafkaUuid(long MostSignificantBits, long LeastSignificantBits)
{
    /// <summary>The all-zero id, meaning "no id" on the wire.</summary>
    public static readonly KafkaUuid Zero = new(0, 0);

    /// <summary>Reserved by Kafka for the KRaft metadata topic (AAAAAAAAAAAAAAAAAAAAAQ); never generated.</summary>
    public static readonly KafkaUuid MetadataTopicId = new(0, 1);

    /// <summary>
    /// A random version-4 id that is neither reserved nor renders with a leading '-' (Kafka avoids those because
    /// command-line tools would read them as options).
    /// </summary>
    public static KafkaUuid NewRandom()
    {
        Span<byte> bytes = stackalloc byte[16];
        while (true)
        {
            RandomNumberGenerator.Fill(bytes);
            bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40);
            bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
            var id = FromBytes(bytes);
            if (id != Zero && id != MetadataTopicId && (bytes[0] & 0xFC) != 0xF8)
            {
                return id;
            }
        }
    }

    public static KafkaUuid FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != 16)
        {
            throw new ArgumentException("A KafkaUuid is exactly 16 bytes.", nameof(bytes));
        }

        return new KafkaUuid(BinaryPrimitives.ReadInt64BigEndian(bytes), BinaryPrimitives.ReadInt64BigEndian(bytes[8..]));
    }

    public void WriteBytes(Span<byte> destination)
    {
        BinaryPrimitives.WriteInt64BigEndian(destination, MostSignificantBits);
        BinaryPrimitives.WriteInt64BigEndian(destination[8..], LeastSignificantBits);
    }

    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[16];
        WriteBytes(bytes);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>Parses the 22-character URL-safe base64 form produced by <see cref="ToString"/>.</summary>
    /// <exception cref="FormatException">The text is not 22 URL-safe base64 characters encoding 16 bytes.</exception>
    public static KafkaUuid Parse(string text)
    {
        if (!TryParse(text, out var id))
        {
            throw new FormatException($"'{text}' is not a Kafka UUID (22 URL-safe base64 characters).");
        }

        return id;
    }

    public static bool TryParse(string? text, out KafkaUuid id)
    {
        id = Zero;
        if (text is null || text.Length != 22)
        {
            return false;
        }

        Span<char> chars = stackalloc char[24];
        for (var i = 0; i < 22; i++)
        {
            var c = text[i];
            if (c is '+' or '/')
            {
                return false;
            }

            chars[i] = c switch { '-' => '+', '_' => '/', _ => c };
        }

        chars[22] = '=';
        chars[23] = '=';
        Span<byte> bytes = stackalloc byte[18];
        if (!Convert.TryFromBase64Chars(chars, bytes, out var written) || written != 16)
        {
            return false;
        }

        id = FromBytes(bytes[..16]);
        // Reject non-canonical encodings (non-zero trailing bits) so Parse(x).ToString() == x.
        return id.ToString() == text;
    }
}
