using System.Text.RegularExpressions;

namespace Broker.Perf.Tests.Consumer;

[TestFixture]
public sealed class ConsumerPerfCommandTests : PerfToolFixture
{
    private const string Header = "start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, " +
                                  "rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec";

    // "%s, %s, %.4f, %.4f, %d, %.4f, %d, %d, %.4f, %.4f" with dates as yyyy-MM-dd HH:mm:ss:SSS.
    private static readonly Regex Row = new(
        @"^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}:\d{3}), (\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}:\d{3}), (\d+\.\d{4}), \d+\.\d{4}, (\d+), \d+\.\d{4}, " +
        @"(\d+), \d+, \d+\.\d{4}, \d+\.\d{4}$");

    [Test]
    public async Task WithoutGroup_AssignsAllPartitions_ReadsEveryRecord_AndPrintsKafkaCsv()
    {
        string topic = UniqueTopic("cp");
        var produced = await RunToolAsync("producer-perf-test", "--topic", topic, "--num-records", "2000", "--record-size", "100",
            "--throughput", "-1", "--producer-props", $"bootstrap.servers={Bootstrap}", "acks=1");
        Assert.That(produced.ExitCode, Is.EqualTo(0), produced.StandardError);

        var result = await RunToolAsync("consumer-perf-test", "--bootstrap-server", Bootstrap, "--topic", topic, "--messages", "2000");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.StandardError);
        var lines = Lines(result.StandardOutput);
        Assert.That(lines, Has.Length.EqualTo(2), result.StandardOutput);
        Assert.That(lines[0], Is.EqualTo(Header));
        var row = Row.Match(lines[1]);
        Assert.That(row.Success, $"row: {lines[1]}");
        Assert.That(row.Groups[4].Value, Is.EqualTo("2000"), "records consumed");
        Assert.That(row.Groups[3].Value, Is.EqualTo((2000 * 100 / 1048576.0).ToString("F4", System.Globalization.CultureInfo.InvariantCulture)), "MiB consumed");
        Assert.That(row.Groups[5].Value, Is.EqualTo("0"), "no rebalance without a group");
    }

    [Test]
    public async Task FewerRecordsThanAsked_WarnsAfterTheTimeout_AndReportsWhatWasRead()
    {
        string topic = UniqueTopic("cp-short");
        var produced = await RunToolAsync("producer-perf-test", "--topic", topic, "--num-records", "10", "--record-size", "10",
            "--throughput", "-1", "--producer-props", $"bootstrap.servers={Bootstrap}");
        Assert.That(produced.ExitCode, Is.EqualTo(0), produced.StandardError);

        // Kafka's --timeout runs from the start too, not only between records: 1.5 s once missed the first fetch
        // (0 of 10 read) on a loaded machine, so the bound leaves room for the join and the first fetch.
        var result = await RunToolAsync("consumer-perf-test", "--bootstrap-server", Bootstrap, "--topic", topic, "--messages", "20",
            "--timeout", "8000", "--hide-header");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.StandardError);
        Assert.That(result.StandardError, Does.Contain("WARNING: Exiting before consuming the expected number of messages: timeout (8000 ms) exceeded."));
        var lines = Lines(result.StandardOutput);
        Assert.That(lines, Has.Length.EqualTo(1), "--hide-header prints only the row");
        Assert.That(Row.Match(lines[0]).Groups[4].Value, Is.EqualTo("10"));
    }

    [Test]
    public async Task ShowDetailedStats_PrintsTheDetailedHeader()
    {
        string topic = UniqueTopic("cp-detail");
        await RunToolAsync("producer-perf-test", "--topic", topic, "--num-records", "100", "--record-size", "10", "--throughput", "-1",
            "--producer-props", $"bootstrap.servers={Bootstrap}");

        var result = await RunToolAsync("consumer-perf-test", "--bootstrap-server", Bootstrap, "--topic", topic, "--messages", "100",
            "--show-detailed-stats", "--reporting-interval", "1");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.StandardError);
        var lines = Lines(result.StandardOutput);
        Assert.That(lines[0], Is.EqualTo("time, threadId, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, " +
                                          "rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec"));
        Assert.That(lines.Skip(1), Has.All.Match(@"^\d{4}-\d{2}-\d{2} [\d:]+, 0, \d+\.\d{4}, \d+\.\d{4}, \d+, \d+\.\d{4}, \d+, \d+, \d+\.\d{4}, \d+\.\d{4}$"));
    }
}
