using Broker.TestKit;

namespace Broker.Perf.Tests.Scripts;

/// <summary>
/// The bin/*.ps1 twins under PowerShell 7 (pwsh on PATH, or the dotnet tool in .tools/): comment-based help works and
/// the wrapper passes Kafka-style arguments through unchanged. Ignored where PowerShell is not installed.
/// </summary>
[TestFixture]
public sealed class PowerShellWrapperTests : PerfToolFixture
{
    [TestCase("producer-perf-test", "kafka-producer-perf-test")]
    [TestCase("consumer-perf-test", "kafka-consumer-perf-test")]
    [TestCase("end-to-end-latency", "EndToEndLatency")]
    public async Task GetHelp_ShowsTheSynopsis(string script, string mentions)
    {
        var result = await ExternalProcess.RunAsync(Pwsh(), ["-NoProfile", "-Command", $"Get-Help {RepoPaths.Bin(script + ".ps1")} -Full | Out-String -Width 400"]);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.StandardError);
        Assert.That(result.StandardOutput, Does.Contain("SYNOPSIS").And.Contain(mentions).And.Contain("EXAMPLE"));
    }

    [Test]
    public async Task ProducerWrapper_PassesKafkaArgumentsThrough_AndReturnsTheToolsExitCode()
    {
        string topic = UniqueTopic("ps1");
        var ok = await ExternalProcess.RunAsync(Pwsh(), ["-NoProfile", "-File", RepoPaths.Bin("producer-perf-test.ps1"), "--topic", topic,
            "--num-records", "500", "--record-size", "10", "--throughput", "-1", "--producer-props", $"bootstrap.servers={Bootstrap}", "acks=1"],
            timeout: ToolTimeout);
        var bad = await ExternalProcess.RunAsync(Pwsh(), ["-NoProfile", "-File", RepoPaths.Bin("end-to-end-latency.ps1"), Bootstrap, topic, "10", "0", "10"],
            timeout: ToolTimeout);

        Assert.That(ok.ExitCode, Is.EqualTo(0), ok.StandardError);
        Assert.That(Lines(ok.StandardOutput).Last(), Does.StartWith("500 records sent, "));
        Assert.That(CountRecords(topic), Is.EqualTo(500));
        Assert.That(bad.ExitCode, Is.EqualTo(1));
    }

    private static string Pwsh()
    {
        string local = Path.Combine(RepoPaths.Root, ".tools", "pwsh");
        if (File.Exists(local)) return local;
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(d => Path.Combine(d, "pwsh")).FirstOrDefault(File.Exists);
        if (onPath is null) Assert.Ignore("PowerShell 7 (pwsh) is not installed; `dotnet tool install PowerShell --version 7.6.9 --tool-path .tools`");
        return onPath!;
    }
}
