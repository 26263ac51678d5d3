namespace Broker.IntegrationTests.Replication;

/// <summary>Failover time: from a fault to the first acknowledgment, in every partition, of a value sent after it.</summary>
public sealed partial class ContinuousProducer
{
    /// <summary>
    /// Milliseconds from <paramref name="fault"/> until every partition acknowledged a value sent at or after the fault
    /// (the slowest partition counts; acks of earlier sends do not prove the new leader works); null if some partition
    /// never did.
    /// </summary>
    public double? FailoverMs(FaultMark fault)
    {
        double worst = 0;
        for (int p = 0; p < Partitions; p++)
        {
            double first = double.MaxValue;
            foreach (var ack in _acks)
            {
                if (ack.Partition == p && ack.SentMs >= fault.AtMs && ack.AckedMs < first) first = ack.AckedMs;
            }

            if (first == double.MaxValue) return null;
            worst = Math.Max(worst, first - fault.AtMs);
        }

        return worst;
    }
}
