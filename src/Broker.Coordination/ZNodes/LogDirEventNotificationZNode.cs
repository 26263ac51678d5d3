using System.Text.Json.Nodes;

namespace Broker.Coordination.ZNodes;

/// <summary>
/// <c>/log_dir_event_notification/log_dir_event_&lt;seq&gt;</c> (PERSISTENT_SEQUENTIAL):
/// <c>{"version":1,"broker":B,"event":1}</c>, written by broker B when one of its log dirs failed (event 1 is Kafka's
/// LogDirFailureEvent, the only kind). The controller reads and deletes it, then asks B about all its replicas.
/// </summary>
public sealed record LogDirEventNotificationZNode(int Broker)
{
    public const string Root = "/log_dir_event_notification";

    public const string Prefix = Root + "/log_dir_event_";

    /// <summary>Kafka's LogDirEventNotificationSequenceZNode.LogDirFailureEvent.</summary>
    public const int LogDirFailureEvent = 1;

    public byte[] Encode() => ZkJson.Encode(new JsonObject { ["version"] = 1, ["broker"] = Broker, ["event"] = LogDirFailureEvent });

    /// <summary>Throws <see cref="FormatException"/> for a value that is not a notification.</summary>
    public static LogDirEventNotificationZNode Decode(ReadOnlySpan<byte> data)
    {
        var json = ZkJson.Decode(data, Root);
        try
        {
            return new LogDirEventNotificationZNode(json["broker"]!.GetValue<int>());
        }
        catch (Exception ex) when (ex is NullReferenceException or InvalidOperationException or FormatException)
        {
            throw new FormatException($"{Root}: no broker id in {json.ToJsonString()}", ex);
        }
    }
}
