using Broker.Perf.Cli;

namespace Broker.Perf.Latency;

/// <summary>
/// Kafka's positional arguments (<c>broker_list topic num_messages producer_acks message_size_bytes [properties_file]</c>)
/// plus two extensions: <c>--throughput N</c> switches from Kafka's one-at-a-time round trips to an open-loop run at a
/// fixed rate, and <c>--warmup-messages N</c> leaves the first N messages out of the statistics.
/// </summary>
internal sealed record EndToEndLatencyOptions(
    string BootstrapServers,
    string Topic,
    int NumMessages,
    string Acks,
    int MessageSize,
    Dictionary<string, string> ClientSettings,
    double Throughput,
    int WarmupMessages)
{
    public const string Help =
        "USAGE: end-to-end-latency broker_list topic num_messages producer_acks message_size_bytes [optional] properties_file\n" +
        "         [--throughput MSG_PER_SEC] [--warmup-messages N]\n" +
        "  default: produce one message, wait until it is consumed, repeat (Kafka's EndToEndLatency)\n" +
        "  --throughput: send at a fixed rate by schedule while a consumer long-polls; latency is measured from each\n" +
        "                message's intended send time (no coordinated omission) and also printed in microseconds";

    public static EndToEndLatencyOptions Parse(string[] args)
    {
        var a = ArgParser.Parse(args, valued: ["throughput", "warmup-messages"], multi: [], flags: ["help"]);
        if (a.Has("help")) throw new UsageException(Help);
        var p = a.Positional;
        if (p.Count is not (5 or 6)) throw new UsageException(Help);
        string acks = p[3];
        if (acks is not ("1" or "all" or "-1"))
            throw new UsageException("Latency testing requires synchronous acknowledgement. Please use 1 or all");
        int numMessages = (int)ArgParser.ParseLong("num_messages", p[2]);
        int size = (int)ArgParser.ParseLong("message_size_bytes", p[4]);
        if (numMessages <= 0) throw new UsageException("num_messages must be positive");
        var settings = p.Count == 6 ? ClientConfig.Translate(PropertiesFile.Read(p[5])) : [];
        double throughput = a.GetLong("throughput", -1);
        if (throughput > 0 && size < StampDeserializer.StampBytes)
            throw new UsageException($"--throughput needs message_size_bytes >= {StampDeserializer.StampBytes} (the send time travels in the payload)");
        int warmup = (int)a.GetLong("warmup-messages", 0);
        if (warmup < 0 || warmup >= numMessages) throw new UsageException("--warmup-messages must be in [0, num_messages)");
        return new EndToEndLatencyOptions(p[0], p[1], numMessages, acks, size, settings, throughput, warmup);
    }
}
