namespace Broker.Server.Partitions;

/// <summary>
/// A replica a consumer could read a given offset from, as the leader sees it: its broker, log end offset and how long
/// ago it was last caught up (ms; 0 for the leader itself). Immutable.
/// </summary>
public readonly record struct ReadReplicaView(int BrokerId, long LogEndOffset, long TimeSinceLastCaughtUpMs);
