using Broker.Cli.ConsumerGroups;

namespace Broker.Cli.Tests.ConsumerGroups;

/// <summary>Kafka's column arithmetic for the describe and reset tables, without a broker.</summary>
[TestFixture]
public sealed class OffsetTableTests
{
    [Test]
    public void Offsets_LongGroupAndTopic_WidenTheirColumns_AndMissingValuesPrintDash()
    {
        var rows = new[]
        {
            new OffsetRow("a-rather-long-group", "a-much-longer-topic-name", 3, null, 7, null, null, null),
        };

        Assert.That(OffsetTable.Offsets(rows), Is.EqualTo("\n" +
            "GROUP               TOPIC                    PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID\n" +
            "a-rather-long-group a-much-longer-topic-name 3          -               7               -               -               -               -\n"));
    }

    [Test]
    public void Lag_IsLogEndMinusCommitted_OnlyWhenBothKnown()
    {
        Assert.That(new OffsetRow("g", "t", 0, 4, 10, null, null, null).Lag, Is.EqualTo(6));
        Assert.That(new OffsetRow("g", "t", 0, 4, null, null, null, null).Lag, Is.Null);
        Assert.That(new OffsetRow("g", "t", 0, -1, 10, null, null, null).Lag, Is.Null);
    }

    [Test]
    public void ParseTopic_WithPartitionList_SplitsAtTheLastColon()
    {
        Assert.That(ConsumerGroupsCommand.ParseTopic("t:0,2"), Is.EqualTo(("t", new List<int> { 0, 2 })).Using<(string, List<int>?)>(
            (a, b) => a.Item1 == b.Item1 && a.Item2!.SequenceEqual(b.Item2!)));
        Assert.That(ConsumerGroupsCommand.ParseTopic("t").Partitions, Is.Null);
    }

    [Test]
    public void ParseDurationAndDateTime_AcceptKafkasFormats()
    {
        Assert.That(ResetFile.ParseDuration("P1DT2H3M4S"), Is.EqualTo(new TimeSpan(1, 2, 3, 4)));
        Assert.That(ResetFile.ParseDateTime("2024-01-02T03:04:05.678Z"), Is.EqualTo(new DateTimeOffset(2024, 1, 2, 3, 4, 5, 678, TimeSpan.Zero).ToUnixTimeMilliseconds()));
        Assert.That(ResetFile.ParseDateTime("2024-01-02T03:04:05.678+02:00"),
            Is.EqualTo(new DateTimeOffset(2024, 1, 2, 1, 4, 5, 678, TimeSpan.Zero).ToUnixTimeMilliseconds()));
    }
}
