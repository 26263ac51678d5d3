namespace Broker.ZooKeeper.Protocol;

/// <summary>Request type codes of the ZooKeeper client protocol (ZooDefs.OpCode).</summary>
internal static class OpCode
{
    public const int Notification = 0;
    public const int Create = 1;
    public const int Delete = 2;
    public const int Exists = 3;
    public const int GetData = 4;
    public const int SetData = 5;
    public const int Ping = 11;
    public const int GetChildren2 = 12;
    public const int Check = 13;
    public const int Multi = 14;
    public const int GetAcl = 6;
    public const int SetWatches = 101;
    public const int Sasl = 102;
    public const int CloseSession = -11;
    public const int Error = -1;
}
