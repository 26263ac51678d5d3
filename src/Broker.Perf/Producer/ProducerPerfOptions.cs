using Broker.Perf.Cli;

namespace Broker.Perf.Producer;

/// <summary>The options of <c>producer-perf-test</c>: Kafka's ProducerPerformance options plus <c>--instances</c>.</summary>
internal sealed record ProducerPerfOptions(
    string Topic,
    long NumRecords,
    PayloadSource Payloads,
    double Throughput,
    Dictionary<string, string> ClientSettings,
    bool PrintMetrics,
    int Instances,
    KeySource? Keys)
{
    public const string Help =
        "usage: producer-perf-test --topic TOPIC --num-records NUM (--record-size SIZE | --payload-file FILE)\n" +
        "         --throughput -1|NUM (--producer-props k=v [k=v ...] | --producer.config FILE)\n" +
        "         [--payload-delimiter DELIM] [--print-metrics] [--instances N] [--key-space N]\n" +
        "  --throughput     messages/sec in total (-1 = unthrottled); paced by schedule, accurate at 10,000/s\n" +
        "  --producer-props client settings; Java names work (buffer.memory, ...); bootstrap.servers is required\n" +
        "  --instances      N producers (each with its own connection and thread) share the records and the rate\n" +
        "  --key-space      keyed records: each key drawn uniformly from N keys (key-0 .. key-N-1), so a compacted\n" +
        "                   topic receives many updates per key (not in Kafka's tool; default: no key)\n" +
        "exit code: 0, or 2 when some records were not acknowledged (they are not counted, as in Kafka's tool)";

    public static ProducerPerfOptions Parse(string[] args)
    {
        var a = ArgParser.Parse(args,
            valued: ["topic", "num-records", "record-size", "payload-file", "payload-delimiter", "throughput", "producer.config",
                "instances", "key-space", "transactional-id", "transaction-duration-ms", "warmup-records"],
            multi: ["producer-props"],
            flags: ["print-metrics", "help", "transaction-enabled"]);
        if (a.Has("help")) throw new UsageException(Help);
        foreach (string unsupported in new[] { "transactional-id", "transaction-duration-ms", "transaction-enabled", "warmup-records" })
            if (a.Has(unsupported)) throw new UsageException($"--{unsupported} is not supported yet");

        string topic = a.Required("topic");
        long numRecords = a.RequiredLong("num-records");
        if (numRecords <= 0) throw new UsageException("--num-records should be greater than zero");
        double throughput = a.RequiredLong("throughput");
        PayloadSource payloads = (a.Get("record-size"), a.Get("payload-file")) switch
        {
            ({ } size, null) => PayloadSource.FixedSize((int)ArgParser.ParseLong("--record-size", size)),
            (null, { } file) => PayloadSource.FromFile(file, Unescape(a.Get("payload-delimiter") ?? "\\n")),
            _ => throw new UsageException("Either --record-size or --payload-file must be specified but not both."),
        };

        var settings = new List<KeyValuePair<string, string>>();
        if (a.Get("producer.config") is { } configFile) settings.AddRange(PropertiesFile.Read(configFile));
        settings.AddRange(a.GetAll("producer-props").Select(p => PropertiesFile.ParsePair(p, "--producer-props")));
        if (settings.Count == 0) throw new UsageException("Either --producer-props or --producer.config must be specified.");
        var client = ClientConfig.Translate(settings);
        if (!client.ContainsKey("bootstrap.servers")) throw new UsageException("bootstrap.servers must be given in --producer-props or --producer.config");

        int instances = (int)a.GetLong("instances", 1);
        if (instances < 1) throw new UsageException("--instances must be at least 1");
        long keySpace = a.GetLong("key-space", 0);
        if (a.Has("key-space") && (keySpace < 1 || keySpace > KeySource.MaxKeys))
            throw new UsageException($"--key-space must be between 1 and {KeySource.MaxKeys}");
        return new ProducerPerfOptions(topic, numRecords, payloads, throughput, client, a.Has("print-metrics"), instances,
            a.Has("key-space") ? new KeySource((int)keySpace) : null);
    }

    private static string Unescape(string s) => s.Replace("\\n", "\n", StringComparison.Ordinal).Replace("\\t", "\t", StringComparison.Ordinal);
}
