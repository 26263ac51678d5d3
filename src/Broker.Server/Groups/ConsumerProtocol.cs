using Broker.Protocol;

namespace Broker.Server.Groups;

/// <summary>
/// Reads the "consumer" embedded protocol's subscription (int16 version, [string topic], bytes user_data, ...),
/// which the broker needs only to know which topics a group subscribes to. Stateless; thread-safe.
/// </summary>
internal static class ConsumerProtocol
{
    public static bool TryReadSubscriptionTopics(byte[] metadata, HashSet<string> into)
    {
        try
        {
            var r = new KafkaReader(metadata);
            if (r.ReadInt16() < 0) return false;
            int count = r.ReadInt32();
            for (int i = 0; i < count; i++) into.Add(r.ReadString(false));
            return true;
        }
        catch (ProtocolException)
        {
            return false;
        }
    }
}
