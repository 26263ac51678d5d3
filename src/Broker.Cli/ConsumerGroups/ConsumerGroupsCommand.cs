using Broker.Cli.Clients;
using Broker.Cli.CommandLine;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.Cli.ConsumerGroups;

/// <summary>
/// <c>consumer-groups</c>: Kafka 3.6's kafka-consumer-groups.sh over the Kafka protocol. Exactly one action (--list,
/// --describe, --delete, --reset-offsets, --delete-offsets); tables and messages as Kafka prints them. Exit 0 on
/// success, 1 on usage errors, broker errors and refused resets. Opt-in extras (--total-lag, --watch, --output json)
/// never change the default output.
/// </summary>
internal sealed partial class ConsumerGroupsCommand
{
    private static readonly string[] Actions = ["list", "describe", "delete", "reset-offsets", "delete-offsets"];

    private static readonly string[] ResetScenarios =
        ["to-datetime", "by-duration", "to-earliest", "to-latest", "shift-by", "from-file", "to-current", "to-offset"];

    private readonly OptionParser _parser = new OptionParser(
            "This tool helps to list all consumer groups, describe a consumer group, delete consumer group info, or reset consumer group offsets.")
        .Arg("bootstrap-server", "String: server to connect to", "REQUIRED: The server(s) to connect to.")
        .Arg("command-config", "String: command config property file", "Property file containing configs to be passed to Admin Client and Consumer.")
        .Flag("list", "List all consumer groups.")
        .Flag("describe", "Describe consumer group and list offset lag (number of messages not yet processed) related to given group.")
        .Flag("delete", "Pass in groups to delete topic partition offsets and ownership information over the entire consumer group.")
        .Flag("reset-offsets", "Reset offsets of consumer group. Supports one consumer group at the time, and instances should be inactive.")
        .Flag("delete-offsets", "Delete offsets of consumer group. Supports one consumer group at the time, and multiple topics.")
        .Arg("group", "String: consumer group", "The consumer group we wish to act on.")
        .Flag("all-groups", "Apply to all consumer groups.")
        .Arg("topic", "String: topic", "The topic whose consumer group information should be deleted or topic whose should be included in the reset offset process. In `reset-offsets` case, partitions can be specified using this format: `topic1:0,1,2`, where 0,1,2 are the partition to be included in the process.")
        .Flag("all-topics", "Consider all topics assigned to a group in the `reset-offsets` process.")
        .Arg("timeout", "Long: timeout (ms)", "The timeout that can be set for some use cases.", "5000")
        .Flag("offsets", "Describe the group and list all topic partitions in the group along with their offset lag. This is the default sub-action.")
        .Flag("members", "Describe members of the group.")
        .Flag("verbose", "Provide additional information, if any, when describing the group.")
        .Arg("state", "String", "When specified with '--describe', includes the state of the group. When specified with '--list', it displays the state of all groups.", optional: true)
        .Flag("dry-run", "Only show results without executing changes on Consumer Groups. Supported operations: reset-offsets.")
        .Flag("execute", "Execute operation. Supported operations: reset-offsets.")
        .Flag("export", "Export operation execution to a CSV file. Supported operations: reset-offsets.")
        .Arg("to-offset", "Long: offset", "Reset offsets to a specific offset.")
        .Arg("from-file", "String: path to CSV file", "Reset offsets to values defined in CSV file.")
        .Arg("to-datetime", "String: datetime", "Reset offsets to offset from datetime. Format: 'YYYY-MM-DDTHH:mm:SS.sss'")
        .Arg("by-duration", "String: duration", "Reset offsets to offset by duration from current timestamp. Format: 'PnDTnHnMnS'")
        .Flag("to-earliest", "Reset offsets to earliest offset.")
        .Flag("to-latest", "Reset offsets to latest offset.")
        .Flag("to-current", "Reset offsets to current offset.")
        .Arg("shift-by", "Long: number-of-offsets", "Reset offsets shifting current offset by 'n', where 'n' can be positive or negative.")
        .Flag("total-lag", "(Broker.Cli) With --describe: add a TOTAL-LAG line per group after Kafka's table.")
        .Arg("watch", "Integer: seconds", "(Broker.Cli) With --describe: repeat the describe every N seconds until interrupted.")
        .Arg("output", "String: text|json", "(Broker.Cli) With --list or --describe: 'json' prints one JSON document instead of Kafka's text.", "text")
        .Flag("help", "Print usage information.")
        .Flag("version", "Display Kafka version.");

    private TimeSpan _timeout = TimeSpan.FromSeconds(5);

    public async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0)
            throw new UsageException("List all consumer groups, describe a consumer group, delete consumer group info, or reset consumer group offsets.", _parser);
        var options = _parser.Parse(args);
        if (_parser.PrintedHelpOrVersion(options, System.Console.Out)) return 0;

        CheckArgs(options);
        _timeout = TimeSpan.FromMilliseconds(Math.Max(1000, options.IntValue("timeout", _parser) ?? 5000));
        using var admin = CreateAdmin(options);
        try
        {
            if (options.Has("list")) return await ListAsync(admin, options);
            if (options.Has("describe")) return await DescribeLoopAsync(admin, options);
            if (options.Has("delete")) return await DeleteAsync(admin, options);
            if (options.Has("delete-offsets")) return await DeleteOffsetsAsync(admin, options);
            return await ResetAsync(admin, options);
        }
        catch (Exception e) when (e is not UsageException)
        {
            System.Console.Error.WriteLine("Error: Executing consumer group command failed due to " + Describe(e));
            if (ClientSettings.Debug) System.Console.Error.WriteLine(e);
            return 1;
        }
    }

    private IAdminClient CreateAdmin(ParsedOptions options) =>
        new AdminClientBuilder(Settings(options)).SetLogHandler((_, m) => ClientSettings.Log(m))
            .SetErrorHandler((_, e) => ClientSettings.Error(e)).Build();

    private static Dictionary<string, string> Settings(ParsedOptions options)
    {
        var file = options.Value("command-config") is { } path ? PropertiesFile.Load(path) : null;
        return ClientSettings.Build(options.Value("bootstrap-server")!, file, []);
    }

    /// <summary>The groups named by --group (in order, duplicates dropped) or every group for --all-groups.</summary>
    private async Task<List<string>> GroupIdsAsync(IAdminClient admin, ParsedOptions options)
    {
        if (!options.Has("all-groups")) return options.Values("group").Distinct(StringComparer.Ordinal).ToList();
        var listed = await admin.ListConsumerGroupsAsync(new ListConsumerGroupsOptions { RequestTimeout = _timeout });
        return listed.Valid.Select(g => g.GroupId).ToList();
    }

    /// <summary>The one-line reason: the broker's message for the first failed resource.</summary>
    private static string Describe(Exception e) => e switch
    {
        DescribeConsumerGroupsException d => d.Results.ConsumerGroupDescriptions.Select(r => r.Error).FirstOrDefault(x => x.IsError)?.Reason ?? d.Message,
        ListConsumerGroupOffsetsException l => l.Results.Select(r => r.Error).FirstOrDefault(x => x.IsError)?.Reason ?? l.Message,
        AlterConsumerGroupOffsetsException a => a.Results.SelectMany(r => r.Partitions).Select(p => p.Error).FirstOrDefault(x => x.IsError)?.Reason ?? a.Message,
        ListOffsetsException o => o.Result.ResultInfos.Select(r => r.TopicPartitionOffsetError.Error).FirstOrDefault(x => x.IsError)?.Reason ?? o.Message,
        KafkaException k => k.Error.Reason,
        _ => e.Message,
    };
}
