using Broker.Cli.Clients;
using Broker.Cli.CommandLine;
using Broker.Cli.Topics;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.Cli.GetOffsets;

/// <summary>
/// <c>get-offsets</c>: Kafka 3.6's kafka-get-offsets.sh (GetOffsetShell). Lists the matching partitions (Metadata),
/// sends ListOffsets for <c>--time</c> (-1/latest, -2/earliest, -3/max-timestamp, or a timestamp in ms) and prints
/// <c>topic:partition:offset</c> sorted by topic then partition; a partition without an answer (no record at or after
/// the timestamp) is left out, a failed one is reported on stderr ("Skip getting offsets for topic-partition t:p due to
/// error: ..."). Errors print "Error occurred: reason" on stdout and exit 1, as Kafka.
/// </summary>
internal sealed class GetOffsetsCommand
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly OptionParser _parser = new OptionParser("An interactive shell for getting topic-partition offsets.")
        .Arg("bootstrap-server", "HOST1:PORT1,...,HOST3:PORT3", "REQUIRED. The server(s) to connect to in the form HOST1:PORT1,HOST2:PORT2.")
        .Arg("broker-list", "HOST1:PORT1,...,HOST3:PORT3", "DEPRECATED, use --bootstrap-server instead; ignored if --bootstrap-server is specified. The server(s) to connect to in the form HOST1:PORT1,HOST2:PORT2.")
        .Arg("topic-partitions", "topic1:1,topic2:0-3,topic3,topic4:5-,topic5:-3",
            "Comma separated list of topic-partition patterns to get the offsets for, with the format of '([^:,]*)(?::(?:([0-9]*)|(?:([0-9]*)-([0-9]*))))?'. The first group is an optional regex for the topic name, if omitted, it matches any topic name. The section after ':' describes a 'partition' pattern, which can be: a number, a range in the format of 'NUMBER-NUMBER' (lower inclusive, upper exclusive), an inclusive lower bound in the format of 'NUMBER-', an exclusive upper bound in the format of '-NUMBER' or may be omitted to accept all partitions.")
        .Arg("topic", "topic", "The topic to get the offsets for. It also accepts a regular expression. If not present, all authorized topics are queried. Cannot be used if --topic-partitions is present.")
        .Arg("partitions", "partition ids", "Comma separated list of partition ids to get the offsets for. If not present, all partitions of the authorized topics are queried. Cannot be used if --topic-partitions is present.")
        .Arg("time", "<timestamp> / -1 or latest / -2 or earliest / -3 or max-timestamp",
            "timestamp of the offsets before that. [Note: No offset is returned, if the timestamp greater than recently committed record timestamp is given.]", "latest")
        .Arg("command-config", "config file", "Property file containing configs to be passed to Admin Client.")
        .Flag("exclude-internal-topics", "By default, internal topics are included. If specified, internal topics are excluded.")
        .Flag("help", "Print usage information.")
        .Flag("version", "Display Kafka version.");

    public async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0) throw new UsageException("An interactive shell for getting topic-partition offsets.", _parser);
        var options = _parser.Parse(args);
        if (_parser.PrintedHelpOrVersion(options, System.Console.Out)) return 0;
        string? bootstrap = options.Value("bootstrap-server") ?? options.Value("broker-list");
        if (bootstrap is null) throw new UsageException("Missing required argument \"[bootstrap-server]\"", _parser);

        try
        {
            if (options.Has("topic-partitions") && (options.Has("topic") || options.Has("partitions")))
                throw new ArgumentException("--topic-partitions cannot be used with --topic or --partitions");
            var spec = ParseTime(options.Value("time")!);
            var selector = options.Value("topic-partitions") is { } rules
                ? TopicPartitionSelector.FromRules(rules)
                : TopicPartitionSelector.FromTopicAndPartitions(options.Value("topic"), options.Value("partitions"));

            var file = options.Value("command-config") is { } path ? PropertiesFile.Load(path) : null;
            var settings = ClientSettings.Build(bootstrap, file, []);
            settings["client.id"] = "GetOffsetShell";
            using var admin = new AdminClientBuilder(settings).SetLogHandler((_, m) => ClientSettings.Log(m))
                .SetErrorHandler((_, e) => ClientSettings.Error(e)).Build();
            bool excludeInternal = options.Has("exclude-internal-topics");
            var partitions = admin.GetMetadata(Timeout).Topics
                .Where(t => !t.Error.IsError && !(excludeInternal && TopicFilter.IsInternal(t.Topic)) && selector.AllowsTopic(t.Topic))
                .SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Topic, p.PartitionId)))
                .Where(tp => selector.Allows(tp.Topic, tp.Partition.Value))
                .ToList();
            if (partitions.Count == 0) throw new ArgumentException("Could not match any topic-partitions with the specified filters");

            List<ListOffsetsResultInfo> infos;
            try
            {
                infos = (await admin.ListOffsetsAsync(partitions.Select(tp => new TopicPartitionOffsetSpec { TopicPartition = tp, OffsetSpec = spec }),
                    new ListOffsetsOptions { RequestTimeout = Timeout })).ResultInfos;
            }
            catch (ListOffsetsException e)
            {
                infos = e.Result.ResultInfos;
            }

            foreach (var r in infos.Select(i => i.TopicPartitionOffsetError)
                         .OrderBy(r => r.Topic, StringComparer.Ordinal).ThenBy(r => r.Partition.Value))
            {
                if (r.Error.IsError)
                    System.Console.Error.WriteLine($"Skip getting offsets for topic-partition {r.Topic}:{r.Partition.Value} due to error: {r.Error.Reason}");
                else if (r.Offset.Value != -1)
                    System.Console.Out.WriteLine($"{r.Topic}:{r.Partition.Value}:{r.Offset.Value}");
            }

            return 0;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or KafkaException)
        {
            System.Console.Out.WriteLine("Error occurred: " + (e is KafkaException k ? k.Error.Reason : e.Message));
            return 1;
        }
    }

    /// <summary>Kafka's parseOffsetSpec: names, the three negative codes, or a timestamp in ms.</summary>
    private static OffsetSpec ParseTime(string time) => time switch
    {
        "earliest" or "-2" => OffsetSpec.Earliest(),
        "latest" or "-1" => OffsetSpec.Latest(),
        "max-timestamp" or "-3" => OffsetSpec.MaxTimestamp(),
        _ when long.TryParse(time, out long ms) => OffsetSpec.ForTimestamp(ms),
        _ => throw new ArgumentException($"Malformed time argument {time}, please use -1 or latest / -2 or earliest / -3 or max-timestamp, or a specified long format timestamp"),
    };
}
