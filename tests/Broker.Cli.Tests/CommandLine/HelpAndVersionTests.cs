using Broker.Cli.CommandLine;

namespace Broker.Cli.Tests.CommandLine;

/// <summary>
/// Every tool answers <c>--version</c> and <c>--help</c> as Kafka's tools do (exit 0, nothing else done). The console
/// producer and consumer declared <c>--version</c> but ignored it and failed on the missing topic instead.
/// </summary>
[TestFixture]
[NonParallelizable] // redirects the process's standard output
public sealed class HelpAndVersionTests
{
    private static IEnumerable<TestCaseData> Tools()
    {
        yield return new TestCaseData("topics", (Func<string[], Task<int>>)(a => new Broker.Cli.Topics.TopicsCommand().RunAsync(a)));
        yield return new TestCaseData("consumer-groups", (Func<string[], Task<int>>)(a => new Broker.Cli.ConsumerGroups.ConsumerGroupsCommand().RunAsync(a)));
        yield return new TestCaseData("delete-records", (Func<string[], Task<int>>)(a => new Broker.Cli.DeleteRecords.DeleteRecordsCommand().RunAsync(a)));
        yield return new TestCaseData("reassign-partitions", (Func<string[], Task<int>>)(a => new Broker.Cli.ReassignPartitions.ReassignPartitionsCommand().RunAsync(a)));
        yield return new TestCaseData("leader-election", (Func<string[], Task<int>>)(a => new Broker.Cli.LeaderElection.LeaderElectionCommand().RunAsync(a)));
        yield return new TestCaseData("console-producer", (Func<string[], Task<int>>)(a => new Broker.Cli.Console.ConsoleProducerCommand().RunAsync(a)));
        yield return new TestCaseData("console-consumer", (Func<string[], Task<int>>)(a => new Broker.Cli.Console.ConsoleConsumerCommand().RunAsync(a)));
    }

    [TestCaseSource(nameof(Tools))]
    public async Task Version_PrintsTheVersionAndExitsZero(string tool, Func<string[], Task<int>> run)
    {
        var (code, output) = await Capture(() => run(["--version"]));
        Assert.That(code, Is.Zero, tool);
        Assert.That(output.Trim(), Is.EqualTo(OptionParser.Version), tool);
    }

    [TestCaseSource(nameof(Tools))]
    public async Task Help_PrintsTheOptionsAndExitsZero(string tool, Func<string[], Task<int>> run)
    {
        var (code, output) = await Capture(() => run(["--help"]));
        Assert.That(code, Is.Zero, tool);
        Assert.That(output, Does.Contain("--version").And.Contain("Option"), tool);
    }

    private static async Task<(int Code, string Output)> Capture(Func<Task<int>> run)
    {
        var original = System.Console.Out;
        using var writer = new StringWriter();
        System.Console.SetOut(writer);
        try
        {
            int code = await run();
            return (code, writer.ToString());
        }
        finally
        {
            System.Console.SetOut(original);
        }
    }
}
