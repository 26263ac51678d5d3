using System.Text;
using Confluent.Kafka;

namespace Broker.Cli.Console;

/// <summary>
/// Kafka's LineMessageReader: a line is <c>[headers&lt;headers.delimiter&gt;][key&lt;key.separator&gt;]value</c>
/// depending on parse.headers and parse.key; headers are <c>k:v,k2:v2</c>. A missing separator fails with Kafka's
/// message unless ignore.error is set (then the whole line is the value). A field equal to null.marker becomes null.
/// </summary>
internal sealed class LineReader
{
    private readonly bool _parseKey;
    private readonly string _keySeparator;
    private readonly bool _parseHeaders;
    private readonly string _headersDelimiter;
    private readonly string _headersSeparator;
    private readonly string _headersKeySeparator;
    private readonly bool _ignoreError;
    private readonly string? _nullMarker;

    public LineReader(IReadOnlyDictionary<string, string> properties)
    {
        _parseKey = properties.GetValueOrDefault("parse.key", "false").Trim().Equals("true", StringComparison.OrdinalIgnoreCase);
        _keySeparator = properties.GetValueOrDefault("key.separator", "\t");
        _parseHeaders = properties.GetValueOrDefault("parse.headers", "false").Trim().Equals("true", StringComparison.OrdinalIgnoreCase);
        _headersDelimiter = properties.GetValueOrDefault("headers.delimiter", "\t");
        _headersSeparator = properties.GetValueOrDefault("headers.separator", ",");
        _headersKeySeparator = properties.GetValueOrDefault("headers.key.separator", ":");
        _ignoreError = properties.GetValueOrDefault("ignore.error", "false").Trim().Equals("true", StringComparison.OrdinalIgnoreCase);
        _nullMarker = properties.GetValueOrDefault("null.marker");
    }

    /// <exception cref="FormatException">A separator is missing and ignore.error is not set.</exception>
    public Message<byte[]?, byte[]?> Parse(string line, int lineNumber)
    {
        var message = new Message<byte[]?, byte[]?>();
        string rest = line;
        if (_parseHeaders)
        {
            int at = rest.IndexOf(_headersDelimiter, StringComparison.Ordinal);
            if (at < 0)
            {
                if (!_ignoreError) throw new FormatException($"No headers delimiter found on line number {lineNumber}: '{line}'");
            }
            else
            {
                message.Headers = ParseHeaders(rest[..at], lineNumber);
                rest = rest[(at + _headersDelimiter.Length)..];
            }
        }

        if (_parseKey)
        {
            int at = rest.IndexOf(_keySeparator, StringComparison.Ordinal);
            if (at < 0)
            {
                if (!_ignoreError) throw new FormatException($"No key separator found on line number {lineNumber}: '{line}'");
            }
            else
            {
                message.Key = Bytes(rest[..at]);
                rest = rest[(at + _keySeparator.Length)..];
            }
        }

        message.Value = Bytes(rest);
        return message;
    }

    private Headers ParseHeaders(string text, int lineNumber)
    {
        var headers = new Headers();
        foreach (string header in text.Split(_headersSeparator))
        {
            int at = header.IndexOf(_headersKeySeparator, StringComparison.Ordinal);
            if (at < 0)
            {
                if (!_ignoreError) throw new FormatException($"No header key separator found in pair '{header}' on line number {lineNumber}");
                continue;
            }

            headers.Add(header[..at], Bytes(header[(at + _headersKeySeparator.Length)..]));
        }

        return headers;
    }

    private byte[]? Bytes(string text) => text == _nullMarker ? null : Encoding.UTF8.GetBytes(text);
}
