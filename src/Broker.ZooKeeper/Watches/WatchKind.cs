namespace Broker.ZooKeeper.Watches;

/// <summary>The three one-shot watch tables of the protocol (SetWatches sends one list per kind).</summary>
internal enum WatchKind
{
    /// <summary>Set by GetData, or by Exists on an existing node.</summary>
    Data,

    /// <summary>Set by Exists on a missing node.</summary>
    Exist,

    /// <summary>Set by GetChildren.</summary>
    Child,
}
