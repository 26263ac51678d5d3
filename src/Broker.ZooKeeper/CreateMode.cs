namespace Broker.ZooKeeper;

/// <summary>How a znode is created; the numeric values are the wire flags of CreateRequest.</summary>
public enum CreateMode
{
    /// <summary>Survives the session that created it.</summary>
    Persistent = 0,

    /// <summary>Deleted by the server when the creating session ends; cannot have children.</summary>
    Ephemeral = 1,

    /// <summary>Persistent; the server appends a 10-digit, zero-padded, per-parent counter to the name.</summary>
    PersistentSequential = 2,

    /// <summary>Ephemeral with a sequential suffix.</summary>
    EphemeralSequential = 3,
}
