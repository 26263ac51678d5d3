using System.Text.RegularExpressions;
using Broker.TestKit;

namespace Broker.Perf.Tests.Producer;

[TestFixture]
public sealed class ProducerPerfCommandTests : PerfToolFixture
{
    // Kafka's final ProducerPerformance line: %d records sent, %f records/sec (%.2f MB/sec), %.2f ms avg latency,
    // %.2f ms max latency, %d ms 50th, %d ms 95th, %d ms 99th, %d ms 99.9th.
    private static readonly Regex FinalLine = new(
        @"^(\d+) records sent, \d+\.\d{6} records/sec \(\d+\.\d{2} MB/sec\), \d+\.\d{2} ms avg latency, \d+\.\d{2} ms max latency, " +
        @"\d+ ms 50th, \d+ ms 95th, \d+ ms 99th, \d+ ms 99\.9th\.$");

    [Test]
    public async Task FixedSizeRecords_PrintsKafkaFinalLine_AndEveryRecordReachesTheBroker()
    {
        string topic = UniqueTopic("pp");
        var result = await RunToolAsync("producer-perf-test", "--topic", topic, "--num-records", "3000", "--record-size", "100",
            "--throughput", "-1", "--producer-props", $"bootstrap.servers={Bootstrap}", "acks=1", "linger.ms=5");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.StandardError);
        string last = Lines(result.StandardOutput).Last();
        var match = FinalLine.Match(last);
        Assert.That(match.Success, $"final line: {last}");
        Assert.That(match.Groups[1].Value, Is.EqualTo("3000"));
        Assert.That(CountRecords(topic), Is.EqualTo(3000));
    }

    [Test]
    public async Task SeveralInstancesWithThrottle_ShareTheRecords_AndDeliverAll()
    {
        string topic = UniqueTopic("pp-inst");
        var result = await RunToolAsync("producer-perf-test", "--topic", topic, "--num-records", "1001", "--record-size", "64",
            "--throughput", "2000", "--instances", "2", "--producer-props", $"bootstrap.servers={Bootstrap}", "acks=all");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.StandardError);
        Assert.That(FinalLine.Match(Lines(result.StandardOutput).Last()).Groups[1].Value, Is.EqualTo("1001"));
        Assert.That(CountRecords(topic), Is.EqualTo(1001));
    }

    [Test]
    public async Task PayloadFile_SendsOnlyItsPayloads()
    {
        string topic = UniqueTopic("pp-file");
        string file = Path.Combine(Path.GetTempPath(), $"payloads-{Guid.NewGuid():N}.txt");
        try
        {
            await File.WriteAllTextAsync(file, "alpha\nbeta\ngamma\n");
            var result = await RunToolAsync("producer-perf-test", "--topic", topic, "--num-records", "300", "--payload-file", file,
                "--throughput", "-1", "--producer.config", WriteConfig($"bootstrap.servers={Bootstrap}\nacks=1\n"));

            Assert.That(result.ExitCode, Is.EqualTo(0), result.StandardError);
            Assert.That(result.StandardOutput, Does.StartWith("Number of messages read: 3"));
            Assert.That(FinalLine.Match(Lines(result.StandardOutput).Last()).Groups[1].Value, Is.EqualTo("300"));
            Assert.That(CountRecords(topic), Is.EqualTo(300));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public async Task KeySpace_EveryRecordHasOneOfThatManyKeys_AndKeysRepeat()
    {
        string topic = UniqueTopic("pp-keys");
        var result = await RunToolAsync("producer-perf-test", "--topic", topic, "--num-records", "2000", "--record-size", "20",
            "--key-space", "50", "--throughput", "-1", "--producer-props", $"bootstrap.servers={Bootstrap}", "acks=1");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.StandardError);
        Assert.That(FinalLine.Match(Lines(result.StandardOutput).Last()).Groups[1].Value, Is.EqualTo("2000"));
        var read = await ExternalProcess.RunAsync("kcat", ["-b", Bootstrap, "-t", topic, "-C", "-o", "beginning", "-e", "-q", "-f", "%k\\n"]);
        string[] keys = Lines(read.StandardOutput);
        Assert.That(keys, Has.Length.EqualTo(2000));
        Assert.That(keys, Is.All.Matches(@"^key-([0-9]|[1-4][0-9])$"), "keys key-0 .. key-49");
        Assert.That(keys.Distinct().Count(), Is.InRange(40, 50), "2,000 uniform draws from 50 keys hit nearly all of them");
    }

    [Test]
    public async Task KeySpaceOfZero_IsAUsageError()
    {
        var result = await RunToolAsync("producer-perf-test", "--topic", "t", "--num-records", "10", "--record-size", "10", "--key-space", "0",
            "--throughput", "-1", "--producer-props", $"bootstrap.servers={Bootstrap}");

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.StandardError, Does.Contain("--key-space must be between 1 and"));
    }

    [Test]
    public async Task MissingRecordSizeAndPayloadFile_IsAUsageError()
    {
        var result = await RunToolAsync("producer-perf-test", "--topic", "t", "--num-records", "10", "--throughput", "-1",
            "--producer-props", $"bootstrap.servers={Bootstrap}");

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.StandardError, Does.Contain("Either --record-size or --payload-file must be specified but not both."));
    }

    private static string WriteConfig(string text)
    {
        string path = Path.Combine(Path.GetTempPath(), $"producer-{Guid.NewGuid():N}.properties");
        File.WriteAllText(path, text);
        return path;
    }
}
