using Broker.TestKit;

namespace Broker.Perf.Tests.Bench;

/// <summary>bench/run.sh --smoke end to end: machine checks, a real broker, every scenario on tiny workloads.</summary>
[TestFixture]
public sealed class BenchRunScriptTests
{
    private TempDirectory _dir = null!;

    [SetUp]
    public void CreateDir() => _dir = new TempDirectory("bench-smoke");

    [TearDown]
    public void RemoveDir() => _dir.Dispose();

    [Test]
    public async Task Smoke_ExitsZero_AndWritesItsTableToTheGivenFile()
    {
        string report = Path.Combine(_dir.Path, "performance.md");
        var result = await ExternalProcess.RunAsync("bash",
            [Path.Combine(RepoPaths.Root, "bench", "run.sh"), "--smoke", "--output", report, "--work-dir", Path.Combine(_dir.Path, "work")],
            timeout: TimeSpan.FromMinutes(6));

        Assert.That(result.ExitCode, Is.EqualTo(0), result.StandardError);
        Assert.That(File.Exists(report), "report written to --output");
        string text = await File.ReadAllTextAsync(report);
        Assert.That(text, Does.Contain("| Scenario | Workload | Ours (median) |"));
        foreach (string scenario in new[] { "P1", "P2", "P3", "C1", "L1", "K1", "R1" })
            Assert.That(text, Does.Match($@"(?m)^\| {scenario} \| "), $"row {scenario}");
        Assert.That(text, Does.Contain("Loopback TCP"));
        Assert.That(text, Does.Contain("Sequential disk write"));
        Assert.That(result.StandardOutput, Does.Match(@"(?m)^P1 +[\d,]+ "), "console table");
        Assert.That(Directory.Exists(Path.Combine(_dir.Path, "work", "data")), Is.False, "broker data removed without --keep");
    }
}
