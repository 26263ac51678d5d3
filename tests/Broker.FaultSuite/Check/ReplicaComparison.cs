using Broker.IntegrationTests.Replication;

namespace Broker.FaultSuite.Check;

/// <summary>
/// After healing and a graceful stop of all brokers: each partition's replicas must be byte-identical below the
/// high watermark of the final read (replicas copy the leader's batches verbatim).
/// </summary>
public static class ReplicaComparison
{
    public static void Compare(ScenarioResult result, IReadOnlyList<(int BrokerId, string LogDir)> replicas, string topic, long[] highWatermarks)
    {
        for (int p = 0; p < highWatermarks.Length; p++)
        {
            var logs = replicas.Select(r => ReplicaLogFiles.Read(r.BrokerId, r.LogDir, topic, p, highWatermarks[p])).ToList();
            foreach (var other in logs.Skip(1))
            {
                if (logs[0].FirstDifference(other) is { } difference)
                {
                    result.ReplicasIdentical = false;
                    result.Anomalies.Add($"replicas differ below the high watermark {highWatermarks[p]} of p{p}: {difference}");
                }
            }
        }
    }
}
