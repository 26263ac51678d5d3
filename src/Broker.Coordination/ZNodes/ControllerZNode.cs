using System.Globalization;
using System.Text.Json.Nodes;

namespace Broker.Coordination.ZNodes;

/// <summary>
/// <c>/controller</c> (EPHEMERAL): who the controller is. Kafka 3.4–3.6 write
/// <c>{"version":2,"brokerid":B,"timestamp":"ms","kraftControllerEpoch":-1}</c>.
/// </summary>
public sealed record ControllerZNode(int BrokerId, long TimestampMs)
{
    public const string Path = "/controller";

    public byte[] Encode() => ZkJson.Encode(new JsonObject
    {
        ["version"] = 2,
        ["brokerid"] = BrokerId,
        ["timestamp"] = TimestampMs.ToString(CultureInfo.InvariantCulture),
        ["kraftControllerEpoch"] = -1,
    });

    public static ControllerZNode Decode(ReadOnlySpan<byte> data)
    {
        var json = ZkJson.Decode(data, Path);
        long ts = long.TryParse(json["timestamp"]?.ToString(), CultureInfo.InvariantCulture, out var t) ? t : 0;
        return new ControllerZNode(json["brokerid"]!.GetValue<int>(), ts);
    }
}

/// <summary>
/// <c>/controller_epoch</c> (persistent): the controller epoch as a decimal string. Created with 0 and incremented by
/// each election; its zkVersion fences writes of a stale controller.
/// </summary>
public static class ControllerEpochZNode
{
    public const string Path = "/controller_epoch";

    public static byte[] Encode(int epoch) => System.Text.Encoding.UTF8.GetBytes(epoch.ToString(CultureInfo.InvariantCulture));

    public static int Decode(ReadOnlySpan<byte> data) => int.Parse(System.Text.Encoding.UTF8.GetString(data), CultureInfo.InvariantCulture);
}
