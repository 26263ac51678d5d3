namespace Broker.ZooKeeper.Protocol;

/// <summary>Reserved xids; ordinary requests use positive, increasing xids.</summary>
internal static class Xids
{
    public const int Notification = -1;
    public const int Ping = -2;
    public const int Auth = -4;
    public const int SetWatches = -8;
}
