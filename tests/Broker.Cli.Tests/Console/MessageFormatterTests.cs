using System.Text;
using Broker.Cli.Console;
using Confluent.Kafka;

namespace Broker.Cli.Tests.Console;

public sealed class MessageFormatterTests
{
    [Test]
    public void Write_EveryPrintSwitch_FollowsKafkasFieldOrder()
    {
        var formatter = new MessageFormatter(new Dictionary<string, string>
        {
            ["print.timestamp"] = "true", ["print.partition"] = "true", ["print.offset"] = "true",
            ["print.headers"] = "true", ["print.key"] = "true",
        });
        var headers = new Headers { { "h1", "v1"u8.ToArray() }, { "h2", "v2"u8.ToArray() } };
        Assert.That(Format(formatter, Record("k", "v", headers)), Is.EqualTo("CreateTime:1700000000000\tPartition:2\tOffset:5\th1:v1,h2:v2\tk\tv\n"));
    }

    [Test]
    public void Write_NullKeyWithCustomSeparator_PrintsNullLiteral()
    {
        var formatter = new MessageFormatter(new Dictionary<string, string> { ["print.key"] = "true", ["key.separator"] = ":", ["print.headers"] = "true" });
        Assert.That(Format(formatter, Record(null, "v", [])), Is.EqualTo("NO_HEADERS:null:v\n"));
    }

    [Test]
    public void Write_ValueSwitchedOff_EndsLineAfterKey()
    {
        var formatter = new MessageFormatter(new Dictionary<string, string> { ["print.key"] = "true", ["print.value"] = "false" });
        Assert.That(Format(formatter, Record("k", "v", [])), Is.EqualTo("k\n"));
    }

    private static string Format(MessageFormatter formatter, ConsumeResult<byte[]?, byte[]?> record)
    {
        var output = new MemoryStream();
        formatter.Write(record, output);
        return Encoding.UTF8.GetString(output.ToArray());
    }

    private static ConsumeResult<byte[]?, byte[]?> Record(string? key, string value, Headers headers) => new()
    {
        TopicPartitionOffset = new TopicPartitionOffset("t", 2, 5),
        Message = new Message<byte[]?, byte[]?>
        {
            Key = key is null ? null : Encoding.UTF8.GetBytes(key),
            Value = Encoding.UTF8.GetBytes(value),
            Headers = headers,
            Timestamp = new Timestamp(1_700_000_000_000, TimestampType.CreateTime),
        },
    };
}
