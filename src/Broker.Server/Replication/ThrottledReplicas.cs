namespace Broker.Server.Replication;

/// <summary>
/// Kafka's <c>leader.replication.throttled.replicas</c> / <c>follower.replication.throttled.replicas</c> topic configs:
/// <c>partition:broker</c> pairs, comma separated, or <c>*</c> for every replica of the topic. Stateless.
/// </summary>
public static class ThrottledReplicas
{
    public const string LeaderKey = "leader.replication.throttled.replicas";
    public const string FollowerKey = "follower.replication.throttled.replicas";

    /// <summary>True when <paramref name="value"/> names <paramref name="partition"/> on <paramref name="broker"/>, or is <c>*</c>.</summary>
    public static bool Contains(string? value, int partition, int broker)
    {
        if (string.IsNullOrWhiteSpace(value)) return false;
        foreach (var item in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (item == "*") return true;
            int colon = item.IndexOf(':');
            if (colon > 0 && int.TryParse(item.AsSpan(0, colon), out int p) && int.TryParse(item.AsSpan(colon + 1), out int b) && p == partition && b == broker)
                return true;
        }

        return false;
    }
}
