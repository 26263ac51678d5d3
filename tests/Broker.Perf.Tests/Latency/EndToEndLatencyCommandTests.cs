using System.Text.RegularExpressions;

namespace Broker.Perf.Tests.Latency;

[TestFixture]
public sealed class EndToEndLatencyCommandTests : PerfToolFixture
{
    [Test]
    public async Task RoundTrips_PrintKafkaSummary_AndCreateTheTopic()
    {
        string topic = UniqueTopic("e2e");
        var result = await RunToolAsync("end-to-end-latency", Bootstrap, topic, "200", "1", "512");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.StandardError + result.StandardOutput);
        AssertSummary(result.StandardOutput);
        Assert.That(result.StandardOutput, Does.Match(@"(?m)^0\t\d+(\.\d+)?(E-?\d+)?$"), "progress line for message 0");
        Assert.That(CountRecords(topic), Is.EqualTo(200));
    }

    [Test]
    public async Task FixedRate_ReceivesEveryMessage_AndPrintsMicrosecondPercentiles()
    {
        string topic = UniqueTopic("e2e-rate");
        var result = await RunToolAsync("end-to-end-latency", Bootstrap, topic, "1500", "all", "1024", "--throughput", "1000",
            "--warmup-messages", "100");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.StandardError + result.StandardOutput);
        AssertSummary(result.StandardOutput);
        Assert.That(result.StandardOutput, Does.Match(@"(?m)^Percentiles \(us\): 50th = \d+, 99th = \d+, 99\.9th = \d+, max = \d+$"));
        Assert.That(CountRecords(topic), Is.EqualTo(1500));
    }

    [Test]
    public async Task AcksZero_IsRejectedLikeKafka()
    {
        var result = await RunToolAsync("end-to-end-latency", Bootstrap, "t", "10", "0", "100");

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.StandardError, Does.Contain("Latency testing requires synchronous acknowledgement. Please use 1 or all"));
    }

    private static void AssertSummary(string output)
    {
        Assert.That(output, Does.Match(@"(?m)^Avg latency: \d+\.\d{4} ms$"));
        Assert.That(Regex.IsMatch(output, @"(?m)^Percentiles: 50th = \d+, 99th = \d+, 99\.9th = \d+$"), output);
    }
}
