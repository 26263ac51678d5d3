namespace Broker.ZooKeeper;

/// <summary>
/// Metadata of a znode as returned by the server. Times are milliseconds since the Unix epoch (server clock);
/// <see cref="EphemeralOwner"/> is the owning session id for ephemeral nodes and 0 otherwise.
/// </summary>
public sealed record Stat(
    long Czxid,
    long Mzxid,
    long Ctime,
    long Mtime,
    int Version,
    int Cversion,
    int Aversion,
    long EphemeralOwner,
    int DataLength,
    int NumChildren,
    long Pzxid);
