namespace Broker.Perf.Cli;

/// <summary>
/// Turns Java client settings (as users pass them to Kafka's perf tools) into librdkafka settings: same-named keys
/// pass through, a few Java-only keys are translated or dropped with a note on stderr, so a command line written for
/// Kafka's tools works unchanged.
/// </summary>
internal static class ClientConfig
{
    // Java-only settings that have no librdkafka meaning (serializers are fixed by the tool).
    private static readonly HashSet<string> Dropped = new(StringComparer.Ordinal)
    {
        "key.serializer", "value.serializer", "key.deserializer", "value.deserializer", "max.block.ms",
        "interceptor.classes", "partitioner.class", "delivery.timeout.ms.java",
    };

    public static Dictionary<string, string> Translate(IEnumerable<KeyValuePair<string, string>> settings)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in settings)
        {
            switch (key)
            {
                case var k when Dropped.Contains(k):
                    Console.Error.WriteLine($"note: ignoring Java-only client setting {key}");
                    break;
                case "buffer.memory":
                    // Java: total bytes the producer may buffer; librdkafka counts KiB.
                    result["queue.buffering.max.kbytes"] = Math.Max(1, long.Parse(value) / 1024).ToString();
                    break;
                case "fetch.max.wait.ms":
                    result["fetch.wait.max.ms"] = value;
                    break;
                case "receive.buffer.bytes":
                    result["socket.receive.buffer.bytes"] = value;
                    break;
                case "send.buffer.bytes":
                    result["socket.send.buffer.bytes"] = value;
                    break;
                default:
                    result[key] = value;
                    break;
            }
        }

        try
        {
            Broker.Cli.Clients.JavaSecuritySettings.Translate(result);
        }
        catch (Broker.Cli.Clients.ClientPropertyException e)
        {
            throw new UsageException("Error: " + e.Message);
        }

        return result;
    }
}
