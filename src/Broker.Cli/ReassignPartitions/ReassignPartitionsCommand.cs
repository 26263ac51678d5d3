using Broker.Cli.CommandLine;
using Broker.Coordination;
using Broker.ZooKeeper;

namespace Broker.Cli.ReassignPartitions;

/// <summary>
/// <c>reassign-partitions</c>: Kafka 3.6's kafka-reassign-partitions.sh (--generate, --execute, --verify, --cancel,
/// --list, --throttle, --additional, --preserve-throttles, --disable-rack-aware) with Kafka's JSON files and output
/// lines. Decision: it speaks to ZooKeeper (<c>--zookeeper</c>, the path Kafka's tool took before KIP-455): requests
/// go to <c>/admin/reassign_partitions</c>, which the controller carries out, and throttles to
/// <c>/config/topics</c> and <c>/config/brokers</c> with change notifications. Confluent.Kafka 2.16 has no
/// AlterPartitionReassignments/ListPartitionReassignments and the CLI has no raw-request path. A cancellation
/// requests the origin replicas (what Kafka's controller does for a cancelled reassignment); --list reads the topic
/// znodes' adding/removing replicas. Exit 1 on any failure (Kafka's TerseReassignmentFailureException message on stdout).
/// </summary>
internal sealed partial class ReassignPartitionsCommand
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private const string CannotExecuteBecauseOfExisting = "Cannot execute because there is an existing partition assignment.  Use --additional to override this and create a new partition assignment in addition to the existing one. The --additional flag can also be used to change the throttle by resubmitting the current reassignment.";

    private const string YouMustRunVerifyPeriodically = "Warning: You must run --verify periodically, until the reassignment completes, to ensure the throttle is removed.";

    private static readonly string[] Actions = ["generate", "execute", "verify", "cancel", "list"];

    private readonly OptionParser _parser = new OptionParser("This tool helps to move topic partitions between replicas.")
        .Flag("verify", "Verify if the reassignment completed as specified by the --reassignment-json-file option. If there is a throttle engaged for the replicas specified, and the rebalance has completed, the throttle will be removed")
        .Flag("generate", "Generate a candidate partition reassignment configuration. Note that this only generates a candidate assignment, it does not execute it.")
        .Flag("execute", "Kick off the reassignment as specified by the --reassignment-json-file option.")
        .Flag("cancel", "Cancel an active reassignment.")
        .Flag("list", "List all active partition reassignments.")
        .Arg("bootstrap-server", "String: Server(s) to use for bootstrapping", "the server(s) to use for bootstrapping. Not served yet by this tool: use --zookeeper.")
        .Arg("zookeeper", "String: urls", "The connection string for the zookeeper connection in the form host:port. REQUIRED (the deprecated path of Kafka's tool, see the tool's doc).")
        .Arg("command-config", "String: Admin client property file", "Property file containing configs to be passed to Admin Client.")
        .Arg("reassignment-json-file", "String: manual assignment json file path", "The JSON file with the partition reassignment configurationThe format to use is - \n{\"partitions\":\n\t[{\"topic\": \"foo\",\n\t  \"partition\": 1,\n\t  \"replicas\": [1,2,3],\n\t  \"log_dirs\": [\"dir1\",\"dir2\",\"dir3\"] }],\n\"version\":1\n}\nNote that \"log_dirs\" is optional. When it is specified, its length must equal the length of the replicas list. The value in this list can be either \"any\" or the absolution path of the log directory on the broker. If absolute log directory path is specified, the replica will be moved to the specified log directory on the broker.")
        .Arg("topics-to-move-json-file", "String: topics to reassign json file path", "Generate a reassignment configuration to move the partitions of the specified topics to the list of brokers specified by the --broker-list option. The format to use is - \n{\"topics\":\n\t[{\"topic\": \"foo\"},{\"topic\": \"foo1\"}],\n\"version\":1\n}")
        .Arg("broker-list", "String: brokerlist", "The list of brokers to which the partitions need to be reassigned in the form \"0,1,2\". This is required if --topics-to-move-json-file is used to generate reassignment configuration")
        .Flag("disable-rack-aware", "Disable rack aware replica assignment")
        .Arg("throttle", "Long: throttle", "The movement of partitions between brokers will be throttled to this value (bytes/sec). This option can be included with --execute when a reassignment is started, and it can be altered by resubmitting the current reassignment along with the --additional flag. The throttle rate should be at least 1 KB/s.", "-1")
        .Arg("timeout", "Long: timeout", "The maximum time in ms to wait for log directory replica assignment to begin.", "10000")
        .Flag("additional", "Execute this reassignment in addition to any other ongoing ones. This option can also be used to change the throttle of an ongoing reassignment.")
        .Flag("preserve-throttles", "Do not modify broker or topic throttles.")
        .Flag("help", "Print usage information.")
        .Flag("version", "Display Kafka version.");

    public async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0) throw new UsageException("This tool helps to move topic partitions between replicas.", _parser);
        var options = _parser.Parse(args);
        if (_parser.PrintedHelpOrVersion(options, System.Console.Out)) return 0;
        var actions = Actions.Where(options.Has).ToList();
        if (actions.Count != 1)
            throw new UsageException("Command must include exactly one action: " + string.Join(", ", Actions.Select(a => "--" + a)), _parser);
        string action = actions[0];
        if (!options.Has("zookeeper") && !options.Has("bootstrap-server")) throw new UsageException("Please specify --bootstrap-server", _parser);
        if (!options.Has("zookeeper"))
            throw new UsageException("This tool reaches the controller through ZooKeeper: give --zookeeper host:port (AlterPartitionReassignments is not served yet)");
        string[] required = action switch
        {
            "generate" => ["topics-to-move-json-file", "broker-list"],
            "list" => [],
            _ => ["reassignment-json-file"],
        };
        var missing = required.Where(r => !options.Has(r)).ToList();
        if (missing.Count > 0) throw new UsageException($"Missing required argument \"[{string.Join(", ", missing)}]\"", _parser);
        long throttle = long.TryParse(options.Value("throttle") ?? "-1", out long t) ? t : throw new UsageException($"Invalid throttle: {options.Value("throttle")}", _parser);

        System.Console.Out.WriteLine("Warning: --zookeeper is deprecated, and will be removed in a future version of Kafka.");
        try
        {
            await using var client = new ZooKeeperClient(new ZooKeeperClientOptions { ConnectString = options.Value("zookeeper")!, SessionTimeout = Timeout });
            await client.ConnectAsync();
            var store = new KafkaZkStore(client);
            switch (action)
            {
                case "generate":
                    await GenerateAsync(store, File.ReadAllText(options.Value("topics-to-move-json-file")!), options.Value("broker-list")!, !options.Has("disable-rack-aware"));
                    break;
                case "execute":
                    await ExecuteAsync(store, File.ReadAllText(options.Value("reassignment-json-file")!), options.Has("additional"), throttle);
                    break;
                case "verify":
                    await VerifyAsync(store, File.ReadAllText(options.Value("reassignment-json-file")!), options.Has("preserve-throttles"));
                    break;
                case "cancel":
                    await CancelAsync(store, File.ReadAllText(options.Value("reassignment-json-file")!), options.Has("preserve-throttles"));
                    break;
                default:
                    await ListAsync(store);
                    break;
            }

            return 0;
        }
        catch (TerseFailure e)
        {
            System.Console.Out.WriteLine(e.Message);
            return 1;
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException or ZooKeeperException or TimeoutException or ArgumentException)
        {
            System.Console.Out.WriteLine("Error: " + e.Message);
            return 1;
        }
    }

    /// <summary>Kafka's TerseReassignmentFailureException / AdminCommandFailedException: the message alone, exit 1.</summary>
    private sealed class TerseFailure(string message) : Exception(message);
}
