using Confluent.Kafka;

namespace Broker.Cli.Clients;

/// <summary>
/// Builds librdkafka settings from what Kafka's tools accept: a properties file, then <c>k=v</c> properties, then
/// the bootstrap servers. Java-client-only keys (serializers, ...) are dropped because librdkafka refuses unknown
/// names; security keys are translated by <see cref="JavaSecuritySettings"/> (or refused, never dropped). Client logs are silenced unless <c>BROKER_CLI_DEBUG</c> is set, so a tool's stderr carries only
/// its own messages (librdkafka would otherwise log every refused connection attempt, e.g. to ::1 for "localhost").
/// </summary>
internal static class ClientSettings
{
    private static readonly HashSet<string> JavaOnly = new(StringComparer.Ordinal)
    {
        "key.serializer", "value.serializer", "key.deserializer", "value.deserializer",
        "client.dns.lookup", "default.api.timeout.ms", "retry.backoff.max.ms", "interceptor.classes", "partitioner.class",
        "max.block.ms", "buffer.memory", "exclude.internal.topics", "max.poll.records", "reconnect.backoff.max.ms",
        "metadata.max.idle.ms",
    };

    public static Dictionary<string, string> Build(string bootstrap, IReadOnlyDictionary<string, string>? file,
        IEnumerable<string> pairs)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (file is not null) foreach (var (k, v) in file) result[k] = v;
        foreach (string pair in pairs)
        {
            int eq = pair.IndexOf('=');
            if (eq <= 0) throw new CommandLine.UsageException($"Invalid property '{pair}': expected key=value");
            result[pair[..eq].Trim()] = pair[(eq + 1)..].Trim();
        }

        // Kafka's sasl.jaas.config carries the user name and password; librdkafka takes them as sasl.username/password.
        if (result.TryGetValue("sasl.jaas.config", out var jaas))
        {
            foreach (var (option, key) in new[] { ("username", "sasl.username"), ("password", "sasl.password") })
            {
                var m = System.Text.RegularExpressions.Regex.Match(jaas, $"\\b{option}\\s*=\\s*(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([^\\s;]+))");
                if (m.Success && !result.ContainsKey(key))
                    result[key] = m.Groups[1].Success ? System.Text.RegularExpressions.Regex.Unescape(m.Groups[1].Value) : m.Groups[2].Value;
            }
        }

        foreach (string key in result.Keys.Where(JavaOnly.Contains).ToList()) result.Remove(key);
        try
        {
            JavaSecuritySettings.Translate(result);
        }
        catch (ClientPropertyException e)
        {
            throw new CommandLine.UsageException("Error: " + e.Message);
        }

        result["bootstrap.servers"] = bootstrap;
        return result;
    }

    public static bool Debug => Environment.GetEnvironmentVariable("BROKER_CLI_DEBUG") is { Length: > 0 };

    public static void Log(LogMessage message)
    {
        if (Debug) System.Console.Error.WriteLine($"{message.Level} {message.Facility} {message.Message}");
    }

    public static void Error(Error error)
    {
        if (Debug || error.IsFatal) System.Console.Error.WriteLine($"ERROR {error.Reason}");
    }
}
