using System.Globalization;
using Broker.Cli.Clients;
using Broker.Cli.CommandLine;
using Confluent.Kafka;

namespace Broker.Cli.Console;

/// <summary>
/// <c>console-consumer</c>: Kafka 3.6's kafka-console-consumer.sh. Prints records with <see cref="MessageFormatter"/>
/// on stdout and <c>Processed a total of N messages</c> on stderr at the end (max messages reached, timeout, Ctrl+C).
/// With <c>--group</c> it subscribes as that group; with <c>--partition</c> it reads that partition; otherwise it
/// assigns itself every partition of the topic, so it works without a group coordinator (Kafka would use a random
/// throw-away group, with the same effect).
/// </summary>
internal sealed class ConsoleConsumerCommand
{
    private readonly OptionParser _parser = new OptionParser("This tool helps to read data from Kafka topics and outputs it to standard output.")
        .Arg("bootstrap-server", "String: server to connect to", "REQUIRED: The server(s) to connect to.")
        .Arg("topic", "String: topic", "The topic to consume on.")
        .Arg("group", "String: consumer group id", "The consumer group id of the consumer.")
        .Flag("from-beginning", "If the consumer does not already have an established offset to consume from, start with the earliest message present in the log rather than the latest message.")
        .Arg("max-messages", "Integer: num_messages", "The maximum number of messages to consume before exiting. If not set, consumption is continual.")
        .Arg("partition", "Integer: partition", "The partition to consume from. Consumption starts from the end of the partition unless '--offset' is specified.")
        .Arg("offset", "String: consume offset", "The offset to consume from (a non-negative number), or 'earliest' which means from beginning, or 'latest' which means from end", "latest")
        .Arg("timeout-ms", "Integer: timeout_ms", "If specified, exit if no message is available for consumption for the specified interval.")
        .Arg("property", "String: prop", "The properties to initialize the message formatter: print.timestamp, print.key, print.offset, print.partition, " +
            "print.headers, print.value, key.separator, line.separator, headers.separator, null.literal.")
        .Arg("consumer-property", "String: consumer_prop", "A mechanism to pass user-defined properties in the form key=value to the consumer.")
        .Arg("consumer.config", "String: config file", "Consumer config properties file. Note that [consumer-property] takes precedence over this config.")
        .Arg("isolation-level", "String", "Set to read_committed in order to filter out transactional messages which are not committed.", "read_uncommitted")
        .Arg("formatter", "String: class", "The name of a class to use for formatting kafka messages for display.", "kafka.tools.DefaultMessageFormatter")
        .Flag("skip-message-on-error", "If there is an error when processing a message, skip it instead of halt.")
        .Flag("help", "Print usage information.")
        .Flag("version", "Display Kafka version.");

    private int _count;

    public async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0) throw new UsageException("This tool helps to read data from Kafka topics and outputs it to standard output.", _parser);
        var options = _parser.Parse(args);
        if (_parser.PrintedHelpOrVersion(options, System.Console.Out)) return 0;

        var plan = Validate(options);
        var formatter = new MessageFormatter(Pairs(options.Values("property")));
        var settings = ConsumerSettings(options, plan.Group);
        using var stop = new CancellationTokenSource();
        System.Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };

        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(settings)
            .SetLogHandler((_, m) => ClientSettings.Log(m)).SetErrorHandler((_, e) => ClientSettings.Error(e)).Build();
        var output = System.Console.OpenStandardOutput();
        try
        {
            Start(consumer, plan, options);
            await Task.Run(() => Consume(consumer, formatter, output, plan, options, stop.Token));
        }
        finally
        {
            output.Flush();
            consumer.Close();
            System.Console.Error.WriteLine($"Processed a total of {_count} messages");
        }

        return 0;
    }

    /// <summary>What to read: the topic, an optional partition and start offset (-2 earliest, -1 latest), the group.</summary>
    private sealed record Plan(string Topic, int? Partition, long StartOffset, string? Group, int MaxMessages, int TimeoutMs);

    private Plan Validate(ParsedOptions options)
    {
        if (options.Value("topic") is not { } topic) throw new UsageException("Exactly one of --include/--topic is required. ", _parser);
        int? partition = options.IntValue("partition", _parser);
        if (partition is not null && options.Has("from-beginning") && options.Has("offset"))
            throw new UsageException("Options from-beginning and offset cannot be specified together.", _parser);
        if (partition is null && options.Has("offset"))
            throw new UsageException("The partition is required when offset is specified.", _parser);
        long start = options.Has("from-beginning") ? -2 : -1;
        if (options.Has("offset"))
        {
            string text = options.Value("offset")!;
            start = text.ToLowerInvariant() switch
            {
                "earliest" => -2,
                "latest" => -1,
                _ => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n
                    : throw new UsageException($"The provided offset value '{text}' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long.", _parser),
            };
        }

        if (!options.Has("bootstrap-server")) throw new UsageException("Missing required argument \"[bootstrap-server]\"", _parser);
        var groups = new[]
        {
            options.Value("group"),
            Pairs(options.Values("consumer-property")).GetValueOrDefault("group.id"),
            options.Value("consumer.config") is { } path ? PropertiesFile.Load(path).GetValueOrDefault("group.id") : null,
        }.Where(g => g is not null).Distinct().ToList();
        if (groups.Count > 1)
            throw new UsageException("The group ids provided in different places (directly using '--group', via '--consumer-property', or via " +
                                     $"'--consumer.config') do not match. Detected group ids: '{string.Join("', '", groups)}'", _parser);
        if (groups.Count == 1 && partition is not null)
            throw new UsageException("Options group and partition cannot be specified together.", _parser);
        return new Plan(topic, partition, start, groups.FirstOrDefault(), options.IntValue("max-messages", _parser) ?? -1,
            options.IntValue("timeout-ms", _parser) ?? -1);
    }

    private static Dictionary<string, string> ConsumerSettings(ParsedOptions options, string? group)
    {
        var file = options.Value("consumer.config") is { } path ? PropertiesFile.Load(path) : null;
        var settings = ClientSettings.Build(options.Value("bootstrap-server")!, file, options.Values("consumer-property"));
        // librdkafka needs a group id even for assigned partitions; without --group nothing is committed.
        settings["group.id"] = group ?? $"console-consumer-{Random.Shared.Next(100000)}";
        if (group is null) settings["enable.auto.commit"] = "false";
        settings.TryAdd("auto.offset.reset", options.Has("from-beginning") ? "earliest" : "latest");
        settings.TryAdd("isolation.level", options.Value("isolation-level")!);
        settings.TryAdd("enable.partition.eof", "false");
        return settings;
    }

    private static void Start(IConsumer<byte[]?, byte[]?> consumer, Plan plan, ParsedOptions options)
    {
        if (plan.Group is not null)
        {
            consumer.Subscribe(plan.Topic);
            return;
        }

        var start = plan.StartOffset switch { -2 => Offset.Beginning, -1 => Offset.End, long n => new Offset(n) };
        IEnumerable<int> partitions;
        if (plan.Partition is { } p) partitions = [p];
        else
        {
            using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
            var metadata = admin.GetMetadata(plan.Topic, TimeSpan.FromSeconds(30));
            var topic = metadata.Topics.Single();
            if (topic.Error.IsError) throw new KafkaException(topic.Error);
            partitions = topic.Partitions.Select(x => x.PartitionId).Order();
        }

        consumer.Assign(partitions.Select(x => new TopicPartitionOffset(plan.Topic, x, start)));
    }

    private void Consume(IConsumer<byte[]?, byte[]?> consumer, MessageFormatter formatter, Stream output, Plan plan, ParsedOptions options, CancellationToken stop)
    {
        long timeoutMs = plan.TimeoutMs >= 0 ? plan.TimeoutMs : long.MaxValue;
        var lastMessage = System.Diagnostics.Stopwatch.StartNew();
        while ((plan.MaxMessages < 0 || _count < plan.MaxMessages) && !stop.IsCancellationRequested)
        {
            ConsumeResult<byte[]?, byte[]?>? record;
            try
            {
                record = consumer.Consume(TimeSpan.FromMilliseconds(Math.Min(200, timeoutMs)));
            }
            catch (ConsumeException e)
            {
                System.Console.Error.WriteLine($"ERROR Error processing message, terminating consumer process: {e.Error.Reason}");
                return;
            }

            if (record is null || record.IsPartitionEOF)
            {
                if (lastMessage.ElapsedMilliseconds >= timeoutMs)
                {
                    System.Console.Error.WriteLine("ERROR Error processing message, terminating consumer process:  (kafka.tools.ConsoleConsumer$)");
                    System.Console.Error.WriteLine("org.apache.kafka.common.errors.TimeoutException");
                    return;
                }

                continue;
            }

            lastMessage.Restart();
            _count++;
            try
            {
                formatter.Write(record, output);
            }
            catch (IOException) when (options.Has("skip-message-on-error"))
            {
            }
        }
    }

    private static Dictionary<string, string> Pairs(IEnumerable<string> pairs)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string pair in pairs)
        {
            int eq = pair.IndexOf('=');
            if (eq <= 0) throw new UsageException($"Invalid property '{pair}': expected key=value");
            result[pair[..eq]] = pair[(eq + 1)..];
        }

        return result;
    }
}
