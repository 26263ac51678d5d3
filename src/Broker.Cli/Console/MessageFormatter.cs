using System.Text;
using Confluent.Kafka;

namespace Broker.Cli.Console;

/// <summary>
/// Kafka's DefaultMessageFormatter: optional <c>CreateTime:&lt;ms&gt;</c>, <c>Partition:&lt;p&gt;</c>,
/// <c>Offset:&lt;o&gt;</c>, headers (<c>k:v,..</c> or <c>NO_HEADERS</c>), key, then value, in that order, separated by
/// key.separator and ended by line.separator. Null keys/values print null.literal ("null"). Writes raw bytes, so
/// values are passed through unchanged. Not thread-safe.
/// </summary>
internal sealed class MessageFormatter
{
    private readonly bool _timestamp, _partition, _offset, _headers, _key, _value;
    private readonly byte[] _keySeparator, _lineSeparator, _headersSeparator, _nullLiteral;

    public MessageFormatter(IReadOnlyDictionary<string, string> properties)
    {
        bool Flag(string name, bool dflt) => properties.TryGetValue(name, out var v) ? v.Trim().Equals("true", StringComparison.OrdinalIgnoreCase) : dflt;
        byte[] Text(string name, string dflt) => Encoding.UTF8.GetBytes(properties.GetValueOrDefault(name, dflt));
        _timestamp = Flag("print.timestamp", false);
        _partition = Flag("print.partition", false);
        _offset = Flag("print.offset", false);
        _headers = Flag("print.headers", false);
        _key = Flag("print.key", false);
        _value = Flag("print.value", true);
        _keySeparator = Text("key.separator", "\t");
        _lineSeparator = Text("line.separator", "\n");
        _headersSeparator = Text("headers.separator", ",");
        _nullLiteral = Text("null.literal", "null");
    }

    public void Write(ConsumeResult<byte[]?, byte[]?> record, Stream output)
    {
        if (_timestamp)
        {
            var ts = record.Message.Timestamp;
            Ascii(output, ts.Type switch
            {
                TimestampType.CreateTime => $"CreateTime:{ts.UnixTimestampMs}",
                TimestampType.LogAppendTime => $"LogAppendTime:{ts.UnixTimestampMs}",
                _ => "NO_TIMESTAMP",
            });
            Separator(output, _partition || _offset || _headers || _key || _value);
        }

        if (_partition)
        {
            Ascii(output, $"Partition:{record.Partition.Value}");
            Separator(output, _offset || _headers || _key || _value);
        }

        if (_offset)
        {
            Ascii(output, $"Offset:{record.Offset.Value}");
            Separator(output, _headers || _key || _value);
        }

        if (_headers)
        {
            var headers = record.Message.Headers;
            if (headers is null || headers.Count == 0) Ascii(output, "NO_HEADERS");
            else
            {
                for (int i = 0; i < headers.Count; i++)
                {
                    output.Write(Encoding.UTF8.GetBytes(headers[i].Key + ":"));
                    output.Write(headers[i].GetValueBytes() ?? _nullLiteral);
                    if (i + 1 < headers.Count) output.Write(_headersSeparator);
                }
            }

            Separator(output, _key || _value);
        }

        if (_key)
        {
            output.Write(record.Message.Key ?? _nullLiteral);
            Separator(output, _value);
        }

        if (_value)
        {
            output.Write(record.Message.Value ?? _nullLiteral);
            output.Write(_lineSeparator);
        }
    }

    private void Separator(Stream output, bool column) => output.Write(column ? _keySeparator : _lineSeparator);

    private static void Ascii(Stream output, string text) => output.Write(Encoding.UTF8.GetBytes(text));
}
