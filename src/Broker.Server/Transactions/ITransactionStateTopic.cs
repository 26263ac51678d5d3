using Broker.Server.Groups;

namespace Broker.Server.Transactions;

/// <summary>
/// <c>__transaction_state</c> as the transaction coordinator sees it: the same contract as the offsets topic (create on
/// first use, leadership, ordered appends acknowledged by the ISR, replay), plus the leader epoch of a partition, which
/// is the coordinator epoch carried by WriteTxnMarkers. Thread-safe.
/// </summary>
public interface ITransactionStateTopic : IOffsetsTopic
{
    /// <summary>Leader epoch of the partition in this broker's view, -1 when unknown.</summary>
    int LeaderEpochOf(int partition);
}
