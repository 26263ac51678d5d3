using Broker.Protocol;
using Broker.Storage.Log;

namespace Broker.Server.Partitions;

/// <summary>
/// Outcome of <see cref="Partition.AppendAsLeader(Span{byte}, bool)"/>, decided under the partition's state lock so
/// the answer to the producer matches what happened to its batch.
/// </summary>
/// <param name="Error">NOT_LEADER_OR_FOLLOWER (this broker does not lead: nothing appended), NOT_ENOUGH_REPLICAS
/// (the ISR was below min.insync.replicas: nothing appended), or NONE (then see <paramref name="Log"/>).</param>
/// <param name="Log">The log's append result (its own validation error, or the offsets assigned).</param>
/// <param name="LeaderEpoch">The leader epoch the batch was appended under; pass it to
/// <see cref="Partition.WaitForReplicationAsync"/>.</param>
/// <param name="IsrSize">Size of the ISR when the append was decided (for the NOT_ENOUGH_REPLICAS message).</param>
public readonly record struct LeaderAppendResult(ErrorCode Error, LogAppendResult Log, int LeaderEpoch, int IsrSize);
