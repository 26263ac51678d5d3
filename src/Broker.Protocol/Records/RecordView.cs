using System.Text;

namespace Broker.Protocol.Records;

/// <summary>
/// One record of an uncompressed batch, as slices of the batch bytes (no copies). Valid only while the batch
/// buffer is.
/// </summary>
public readonly ref struct RecordView
{
    public required long Offset { get; init; }

    public required long Timestamp { get; init; }

    /// <summary>Key bytes; empty when <see cref="KeyIsNull"/>.</summary>
    public required ReadOnlySpan<byte> Key { get; init; }

    public required bool KeyIsNull { get; init; }

    /// <summary>Value bytes; empty when <see cref="ValueIsNull"/> (a tombstone).</summary>
    public required ReadOnlySpan<byte> Value { get; init; }

    public required bool ValueIsNull { get; init; }

    public required int HeaderCount { get; init; }

    /// <summary>The encoded headers (count excluded), decoded by <see cref="ReadHeaders"/>.</summary>
    public required ReadOnlySpan<byte> RawHeaders { get; init; }

    public string? KeyAsString() => KeyIsNull ? null : Encoding.UTF8.GetString(Key);

    public string? ValueAsString() => ValueIsNull ? null : Encoding.UTF8.GetString(Value);

    /// <summary>Decodes the headers into new objects (allocates).</summary>
    /// <exception cref="InvalidDataException">malformed header bytes.</exception>
    public RecordHeader[] ReadHeaders()
    {
        var headers = new RecordHeader[HeaderCount];
        ReadOnlySpan<byte> s = RawHeaders;
        for (int i = 0; i < headers.Length; i++)
        {
            ReadOnlySpan<byte> key = RecordReader.ReadBytes(ref s, out bool keyNull);
            ReadOnlySpan<byte> value = RecordReader.ReadBytes(ref s, out bool valueNull);
            if (keyNull)
            {
                throw new InvalidDataException("Record header key is null.");
            }

            headers[i] = new RecordHeader(Encoding.UTF8.GetString(key), valueNull ? null : value.ToArray());
        }

        return headers;
    }
}
