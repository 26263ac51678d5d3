using System.Text.RegularExpressions;
using Broker.TestKit;

namespace Broker.Cli.Tests.DumpLog;

/// <summary>
/// bin/dump-log.sh on a real segment written by broker 2 of the shared cluster (three single-record batches, keys
/// k0..k2, CreateTime 1000..3000), compared with Kafka 3.6's DumpLogSegments lines for that state; a copy with a
/// flipped byte and a torn tail; refusals.
/// </summary>
[TestFixture]
public sealed class DumpLogCommandTests
{
    private const string BatchPattern =
        @"^baseOffset: (?<o>\d+) lastOffset: \k<o> count: 1 baseSequence: -1 lastSequence: -1 producerId: -1 producerEpoch: -1 " +
        @"partitionLeaderEpoch: 0 isTransactional: false isControl: false deleteHorizonMs: OptionalLong.empty position: (?<pos>\d+) " +
        @"CreateTime: (?<ts>\d+) size: (?<size>\d+) magic: 2 compresscodec: none crc: \d+ isvalid: (?<valid>true|false)$";

    private string _segment = null!;
    private TempDirectory _copies = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        var cluster = await AdminCluster.GetAsync();
        string topic = "dump-" + Guid.NewGuid().ToString("N")[..8];
        await AdminTopics.CreateAsync(cluster.Bootstrap, topic, 2);
        await AdminTopics.ProduceAsync(cluster.Bootstrap, topic, 0, ["a", "bb", "ccc"], [1000, 2000, 3000]);
        _segment = Path.Combine(cluster.Brokers[1].LogDir, topic + "-0", "00000000000000000000.log");
        _copies = new TempDirectory("dump-log");
    }

    [OneTimeTearDown]
    public void Stop() => _copies.Dispose();

    [Test]
    public async Task PrintDataLog_PrintsKafkasBatchAndRecordLines()
    {
        var run = await AdminCluster.RunAsync("dump-log.sh", "--files", _segment, "--print-data-log");

        Assert.That(run.ExitCode, Is.EqualTo(0), run.StandardError);
        var lines = run.StandardOutput.TrimEnd('\n').Split('\n');
        Assert.That(lines[..2], Is.EqualTo(new[] { $"Dumping {_segment}", "Log starting offset: 0" }));
        Assert.That(lines, Has.Length.EqualTo(8), run.StandardOutput);
        long position = 0;
        string[] values = ["a", "bb", "ccc"];
        for (int i = 0; i < 3; i++)
        {
            var m = Regex.Match(lines[2 + 2 * i], BatchPattern);
            Assert.That(m.Success, Is.True, $"Kafka's batch line: {lines[2 + 2 * i]}");
            Assert.That((m.Groups["o"].Value, m.Groups["pos"].Value, m.Groups["ts"].Value, m.Groups["valid"].Value),
                Is.EqualTo((i.ToString(), position.ToString(), ((i + 1) * 1000).ToString(), "true")));
            position += long.Parse(m.Groups["size"].Value);
            Assert.That(lines[3 + 2 * i], Is.EqualTo(
                $"| offset: {i} CreateTime: {(i + 1) * 1000} keySize: 2 valueSize: {values[i].Length} sequence: -1 headerKeys: [] key: k{i} payload: {values[i]}"));
        }

        Assert.That(position, Is.EqualTo(new FileInfo(_segment).Length), "the batches cover the segment");
    }

    [Test]
    public async Task Shallow_PrintsBatchLinesOnly_DeepIterationAddsRecordsWithoutData()
    {
        var shallow = await AdminCluster.RunAsync("dump-log.sh", "--files", _segment);
        var deep = await AdminCluster.RunAsync("dump-log.sh", "--files", _segment, "--deep-iteration");

        Assert.That(shallow.StandardOutput.TrimEnd('\n').Split('\n').Skip(2).Select(l => Regex.IsMatch(l, BatchPattern)), Is.EqualTo(new[] { true, true, true }));
        var deepLines = deep.StandardOutput.TrimEnd('\n').Split('\n');
        Assert.That(deepLines[3], Is.EqualTo("| offset: 0 CreateTime: 1000 keySize: 2 valueSize: 1 sequence: -1 headerKeys: []"));
    }

    [Test]
    public async Task CorruptCopy_ReportsInvalidCrcAndTrailingBytes()
    {
        string copy = Path.Combine(_copies.Path, "00000000000000000000.log");
        var bytes = File.ReadAllBytes(_segment);
        bytes[^1] ^= 0xFF; // last value byte of the last batch
        File.WriteAllBytes(copy, [.. bytes, 1, 2, 3, 4, 5, 6, 7]);

        var run = await AdminCluster.RunAsync("dump-log.sh", "--files", copy);

        var lines = run.StandardOutput.TrimEnd('\n').Split('\n');
        Assert.That(lines[4], Does.EndWith(" isvalid: false"));
        Assert.That(lines[2], Does.EndWith(" isvalid: true"));
        Assert.That(lines[^1], Is.EqualTo("Found 7 invalid bytes at the end of 00000000000000000000.log"));
    }

    [Test]
    public async Task BadArguments_FailWithOneLine()
    {
        var missing = await AdminCluster.RunAsync("dump-log.sh", "--print-data-log");
        Assert.That((missing.ExitCode, missing.StandardError.Split('\n')[0]), Is.EqualTo((1, "Missing required argument \"[files]\"")));

        var index = await AdminCluster.RunAsync("dump-log.sh", "--files", Path.ChangeExtension(_segment, ".index"));
        Assert.That((index.ExitCode, index.StandardError), Is.EqualTo((1, ".index files are not served by this tool yet: only .log segments\n")));
    }
}
