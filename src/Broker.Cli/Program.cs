using Broker.Cli.CommandLine;

namespace Broker.Cli;

/// <summary>
/// The broker's command-line tools in one executable: <c>Broker.Cli TOOL ARGS</c>, TOOL one of the keys of <see cref="Tools"/>.
/// Each tool mirrors its Kafka 3.6 namesake (options, output text, exit codes); the bin/*.sh and bin/*.ps1 wrappers
/// pick the tool.
/// </summary>
internal static class Program
{
    private static readonly Dictionary<string, Func<string[], Task<int>>> Tools = new(StringComparer.Ordinal)
    {
        ["topics"] = args => new Topics.TopicsCommand().RunAsync(args),
        ["console-producer"] = args => new Console.ConsoleProducerCommand().RunAsync(args),
        ["console-consumer"] = args => new Console.ConsoleConsumerCommand().RunAsync(args),
        ["consumer-groups"] = args => new ConsumerGroups.ConsumerGroupsCommand().RunAsync(args),
        ["delete-records"] = args => new DeleteRecords.DeleteRecordsCommand().RunAsync(args),
        ["leader-election"] = args => new LeaderElection.LeaderElectionCommand().RunAsync(args),
        ["configs"] = args => new Configs.ConfigsCommand().RunAsync(args),
        ["reassign-partitions"] = args => new ReassignPartitions.ReassignPartitionsCommand().RunAsync(args),
        ["log-dirs"] = args => new LogDirs.LogDirsCommand().RunAsync(args),
        ["get-offsets"] = args => new GetOffsets.GetOffsetsCommand().RunAsync(args),
        ["broker-api-versions"] = args => new ApiVersions.BrokerApiVersionsCommand().RunAsync(args),
        ["dump-log"] = args => new DumpLog.DumpLogCommand().RunAsync(args),
        ["acls"] = args => new Acls.AclsCommand().RunAsync(args),
    };

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || !Tools.TryGetValue(args[0], out var tool))
        {
            System.Console.Error.WriteLine($"Usage: Broker.Cli <{string.Join("|", Tools.Keys)}> [options]");
            if (args.Length > 0) System.Console.Error.WriteLine($"Unknown tool '{args[0]}'.");
            return 1;
        }

        try
        {
            return await tool(args[1..]);
        }
        catch (UsageException e)
        {
            if (e.Message.Length > 0) System.Console.Error.WriteLine(e.Message);
            if (e.Help is not null) e.Help.PrintHelp(System.Console.Error);
            return e.ExitCode;
        }
    }
}
