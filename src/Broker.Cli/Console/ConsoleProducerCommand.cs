using System.Text;
using Broker.Cli.Clients;
using Broker.Cli.CommandLine;
using Confluent.Kafka;

namespace Broker.Cli.Console;

/// <summary>
/// <c>console-producer</c>: Kafka 3.6's kafka-console-producer.sh. Reads stdin line by line and sends each line as
/// one record (see <see cref="LineReader"/> for keys and headers). Defaults as Kafka's tool: acks=-1, linger 1000 ms,
/// 3 retries. Exits 0 after every record was delivered, 1 when input or a send failed.
/// </summary>
internal sealed class ConsoleProducerCommand
{
    private readonly OptionParser _parser = new OptionParser("This tool helps to read data from standard input and publish it to Kafka.")
        .Arg("bootstrap-server", "String: server to connect to", "REQUIRED unless --broker-list(deprecated) is specified. The server(s) to connect to.")
        .Arg("broker-list", "String: broker-list", "DEPRECATED, use --bootstrap-server instead.")
        .Arg("topic", "String: topic", "REQUIRED: The topic id to produce messages to.")
        .Arg("property", "String: prop", "A mechanism to pass user-defined properties in the form key=value to the message reader: " +
            "parse.key, key.separator, parse.headers, headers.delimiter, headers.separator, headers.key.separator, ignore.error, null.marker.")
        .Arg("producer-property", "String: producer_prop", "A mechanism to pass user-defined properties in the form key=value to the producer.")
        .Arg("producer.config", "String: config file", "Producer config properties file. Note that [producer-property] takes precedence over this config.")
        .Arg("compression-codec", "String: compression-codec", "The compression codec: either 'none', 'gzip', 'snappy', 'lz4', or 'zstd'. " +
            "If specified without value, then it defaults to 'gzip'", optional: true)
        .Flag("sync", "If set message send requests to the brokers are synchronously, one at a time as they arrive.")
        .Arg("request-required-acks", "String: request required acks", "The required `acks` of the producer requests", "-1")
        .Arg("timeout", "Integer: timeout_ms", "If set and the producer is running in asynchronous mode, this gives the maximum amount of time a message will queue awaiting sufficient batch size.", "1000")
        .Arg("batch-size", "Integer: size", "Number of messages to send in a single batch if they are not being sent synchronously.", "16384")
        .Arg("message-send-max-retries", "Integer", "Number of retries before the producer gives up and drops a message.", "3")
        .Arg("request-timeout-ms", "Integer: request timeout ms", "The ack timeout of the producer requests.", "1500")
        .Flag("help", "Print usage information.")
        .Flag("version", "Display Kafka version.");

    public async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0) throw new UsageException("This tool helps to read data from standard input and publish it to Kafka.", _parser);
        var options = _parser.Parse(args);
        if (_parser.PrintedHelpOrVersion(options, System.Console.Out)) return 0;

        if (!options.Has("topic")) throw new UsageException("Missing required argument \"[topic]\"", _parser);
        string bootstrap = options.Value("bootstrap-server") ?? options.Value("broker-list")
            ?? throw new UsageException("Missing required argument \"[bootstrap-server]\"", _parser);
        var reader = new LineReader(ReaderProperties(options.Values("property")));
        var settings = ProducerSettings(options, bootstrap);
        string topic = options.Value("topic")!;

        using var producer = new ProducerBuilder<byte[]?, byte[]?>(settings)
            .SetLogHandler((_, m) => ClientSettings.Log(m)).SetErrorHandler((_, e) => ClientSettings.Error(e)).Build();
        int failures = 0;
        void Report(DeliveryReport<byte[]?, byte[]?> report)
        {
            if (report.Error.IsError)
            {
                Interlocked.Increment(ref failures);
                System.Console.Error.WriteLine($"ERROR Error when sending message to topic {topic} with key: " +
                    $"{(report.Message.Key is null ? "null" : report.Message.Key.Length + " bytes")}, value: " +
                    $"{(report.Message.Value is null ? "null" : report.Message.Value.Length + " bytes")} with error: {report.Error.Reason}");
            }
        }

        var input = new StreamReader(System.Console.OpenStandardInput(), new UTF8Encoding(false));
        int lineNumber = 0;
        try
        {
            while (await input.ReadLineAsync() is { } line)
            {
                lineNumber++;
                var message = reader.Parse(line, lineNumber);
                if (options.Has("sync"))
                {
                    try
                    {
                        await producer.ProduceAsync(topic, message);
                    }
                    catch (ProduceException<byte[]?, byte[]?> e)
                    {
                        Report(e.DeliveryResult is { } r ? new DeliveryReport<byte[]?, byte[]?> { Error = e.Error, Message = r.Message } : new() { Error = e.Error, Message = message });
                    }
                }
                else
                {
                    producer.Produce(topic, message, Report);
                }
            }
        }
        catch (FormatException e)
        {
            System.Console.Error.WriteLine("org.apache.kafka.common.KafkaException: " + e.Message);
            producer.Flush(TimeSpan.FromSeconds(30));
            return 1;
        }

        producer.Flush(TimeSpan.FromMinutes(1));
        return failures == 0 ? 0 : 1;
    }

    private static Dictionary<string, string> ReaderProperties(IEnumerable<string> pairs)
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

    private Dictionary<string, string> ProducerSettings(ParsedOptions options, string bootstrap)
    {
        var file = options.Value("producer.config") is { } path ? PropertiesFile.Load(path) : null;
        var tool = new List<string>
        {
            "acks=" + options.Value("request-required-acks"),
            "linger.ms=" + options.Value("timeout"),
            "batch.size=" + options.Value("batch-size"),
            "retries=" + options.Value("message-send-max-retries"),
            "request.timeout.ms=" + options.Value("request-timeout-ms"),
        };
        if (options.Has("compression-codec"))
        {
            string codec = options.Value("compression-codec") ?? "gzip";
            if (codec is not ("none" or "gzip" or "snappy" or "lz4" or "zstd"))
                throw new UsageException($"Unknown compression codec '{codec}': use none, gzip, snappy, lz4 or zstd", _parser);
            tool.Add("compression.type=" + codec);
        }

        // Kafka's order: the tool's options, then --producer.config, then --producer-property.
        var fromTool = ClientSettings.Build(bootstrap, null, tool);
        var merged = ClientSettings.Build(bootstrap, file, options.Values("producer-property"));
        foreach (var (k, v) in fromTool) merged.TryAdd(k, v);
        return merged;
    }
}
