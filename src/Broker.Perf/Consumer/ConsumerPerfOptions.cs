using Broker.Perf.Cli;
using Broker.Perf.Common;

namespace Broker.Perf.Consumer;

/// <summary>The options of <c>consumer-perf-test</c> (Kafka's ConsumerPerformance options).</summary>
internal sealed record ConsumerPerfOptions(
    string BootstrapServers,
    string Topic,
    long Messages,
    string? Group,
    long TimeoutMs,
    bool ShowDetailedStats,
    long ReportingIntervalMs,
    string DateFormat,
    bool HideHeader,
    bool FromLatest,
    bool PrintMetrics,
    int FetchSize,
    int SocketBufferSize,
    Dictionary<string, string> ClientSettings)
{
    public const string Help =
        "usage: consumer-perf-test --bootstrap-server HOST:PORT --topic TOPIC --messages NUM [--group ID]\n" +
        "         [--timeout MS] [--show-detailed-stats] [--reporting-interval MS] [--date-format FMT] [--hide-header]\n" +
        "         [--from-latest] [--fetch-size BYTES] [--socket-buffer-size BYTES] [--consumer.config FILE] [--print-metrics]\n" +
        "  without --group the tool assigns every partition of the topic itself (no consumer group needed);\n" +
        "  with --group it subscribes, which needs group support in the broker (JoinGroup/SyncGroup).";

    public static ConsumerPerfOptions Parse(string[] args)
    {
        var a = ArgParser.Parse(args,
            valued: ["bootstrap-server", "broker-list", "topic", "messages", "group", "timeout", "reporting-interval", "date-format",
                "fetch-size", "socket-buffer-size", "consumer.config", "threads", "num-fetch-threads"],
            multi: [],
            flags: ["show-detailed-stats", "hide-header", "from-latest", "print-metrics", "help"]);
        if (a.Has("help")) throw new UsageException(Help);
        string bootstrap = a.Get("bootstrap-server") ?? a.Get("broker-list") ?? throw new UsageException("Missing required argument \"[bootstrap-server]\"");
        long messages = a.RequiredLong("messages");
        if (messages <= 0) throw new UsageException("--messages should be greater than zero");
        long timeout = a.GetLong("timeout", 10_000);
        long interval = a.GetLong("reporting-interval", 5_000);
        if (interval <= 0) throw new UsageException("Reporting interval must be greater than 0.");
        var settings = a.Get("consumer.config") is { } file ? ClientConfig.Translate(PropertiesFile.Read(file)) : [];
        return new ConsumerPerfOptions(bootstrap, a.Required("topic"), messages, a.Get("group"), timeout, a.Has("show-detailed-stats"),
            interval, a.Get("date-format") ?? JavaFormat.DefaultDateFormat, a.Has("hide-header"), a.Has("from-latest"), a.Has("print-metrics"),
            (int)a.GetLong("fetch-size", 1024 * 1024), (int)a.GetLong("socket-buffer-size", 2 * 1024 * 1024), settings);
    }
}
