using Broker.Cli.Clients;
using Broker.Cli.CommandLine;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.Cli.DeleteRecords;

/// <summary>
/// <c>delete-records</c>: Kafka 3.6's kafka-delete-records.sh. Reads --offset-json-file, sends DeleteRecords through
/// Confluent.Kafka's admin client and prints Kafka's lines: "Executing records delete operation", "Records delete
/// operation completed:", then per partition "partition: t-0\tlow_watermark: 500" or "partition: t-0\terror: reason"
/// (librdkafka's reason, e.g. "Broker: Offset out of range"; Kafka prints the Java exception). Exit codes as Kafka's:
/// 0 once the request was answered, even with partition errors; 1 for usage errors, a bad JSON file (one-line reason
/// instead of Kafka's stack trace) and a request that failed as a whole.
/// </summary>
internal sealed class DeleteRecordsCommand
{
    private readonly OptionParser _parser = new OptionParser(
            "This tool helps to delete records of the given partitions down to the specified offset.")
        .Arg("bootstrap-server", "String: server(s) to use for bootstrapping", "REQUIRED: The server to connect to.")
        .Arg("offset-json-file", "String: Offset json file path",
            "REQUIRED: The JSON file with offset per partition. The format to use is:\n" +
            "{\"partitions\":\n  [{\"topic\": \"foo\", \"partition\": 1, \"offset\": 1}],\n \"version\":1\n}")
        .Arg("command-config", "String: command config property file path", "A property file containing configs to be passed to Admin Client.")
        .Flag("help", "Print usage information.")
        .Flag("version", "Display Kafka version.");

    public async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0) throw new UsageException("This tool helps to delete records of the given partitions down to the specified offset.", _parser);
        var options = _parser.Parse(args);
        if (_parser.PrintedHelpOrVersion(options, System.Console.Out)) return 0;

        foreach (string required in new[] { "bootstrap-server", "offset-json-file" })
        {
            if (!options.Has(required)) throw new UsageException($"Missing required argument \"[{required}]\"", _parser);
        }

        var offsets = OffsetJsonFile.Load(options.Value("offset-json-file")!);
        var file = options.Value("command-config") is { } path ? PropertiesFile.Load(path) : null;
        using var admin = new AdminClientBuilder(ClientSettings.Build(options.Value("bootstrap-server")!, file, []))
            .SetLogHandler((_, m) => ClientSettings.Log(m)).SetErrorHandler((_, e) => ClientSettings.Error(e)).Build();

        var output = System.Console.Out;
        output.WriteLine("Executing records delete operation");
        List<(TopicPartition Partition, long LowWatermark, Error Error)> results;
        try
        {
            var done = await admin.DeleteRecordsAsync(offsets);
            results = done.Select(r => (new TopicPartition(r.Topic, r.Partition), r.Offset.Value, new Error(ErrorCode.NoError))).ToList();
        }
        catch (DeleteRecordsException e)
        {
            results = e.Results.Select(r => (new TopicPartition(r.Topic, r.Partition), r.Offset.Value, r.Error)).ToList();
        }
        catch (KafkaException e)
        {
            System.Console.Error.WriteLine("Error: records delete operation failed: " + e.Error.Reason);
            return 1;
        }

        output.WriteLine("Records delete operation completed:");
        foreach (var (partition, lowWatermark, error) in results)
        {
            string name = $"{partition.Topic}-{partition.Partition.Value}";
            output.WriteLine(error.IsError ? $"partition: {name}\terror: {error.Reason}" : $"partition: {name}\tlow_watermark: {lowWatermark}");
        }

        return 0;
    }
}
