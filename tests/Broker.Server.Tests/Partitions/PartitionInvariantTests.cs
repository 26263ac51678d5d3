namespace Broker.Server.Tests.Partitions;

/// <summary>
/// The leader's replication state machine under randomized sequences of appends, follower fetches (followers that
/// keep up, lag, or stall), ISR shrink checks, ISR writes that succeed, are rejected, fail or stay pending, and clock
/// advances. After every step: every replica ZooKeeper or the leader lists as in sync holds everything below the
/// high watermark; the high watermark never moves back; an acks=all batch counted as replicated is on every member of
/// the ISR it was counted against; the log's retention bound is the high watermark.
/// </summary>
public class PartitionInvariantTests
{
    private const long LagMaxMs = 1000;

    [TestCaseSource(nameof(Seeds))]
    public void RandomizedOperations_KeepTheReplicationInvariants(int seed)
    {
        var random = new Random(seed);
        using var h = new PartitionHarness(isr: [1, 2, 3], minInsyncReplicas: 2);
        var trace = new List<string>();
        var pendingAcks = new List<(long LastOffset, bool AcksAll)>();
        long previousHw = h.Partition.HighWatermark;
        var stalled = new HashSet<int>();
        for (int step = 0; step < 400; step++)
        {
            string op = Step(h, random, stalled, pendingAcks);
            trace.Add($"{step}: {op} -> isr [{string.Join(',', h.Partition.Isr)}] zk [{string.Join(',', h.Writer.ZkIsr)}] hw {h.Partition.HighWatermark} " +
                      $"leo {h.LogEnd(1)}/{h.LogEnd(2)}/{h.LogEnd(3)}{(h.Partition.IsrChangePending ? " (write pending)" : "")}");
            string Where() => $"seed {seed}, step {step}\n{string.Join('\n', trace.TakeLast(15))}";

            long hw = h.Partition.HighWatermark;
            Assert.That(hw, Is.GreaterThanOrEqualTo(previousHw), $"high watermark moved back; {Where()}");
            previousHw = hw;
            Assert.That(h.Log.HighWatermark, Is.EqualTo(hw), $"the log's retention bound is not the high watermark; {Where()}");
            foreach (int r in h.Writer.ZkIsr.Union(h.Partition.Isr))
                Assert.That(h.LogEnd(r), Is.GreaterThanOrEqualTo(hw), $"in-sync replica {r} is below the high watermark; {Where()}");

            var isr = h.Partition.Isr;
            foreach (var ack in pendingAcks.Where(a => a.LastOffset < hw).ToList())
            {
                pendingAcks.Remove(ack);
                foreach (int r in isr)
                    Assert.That(h.LogEnd(r), Is.GreaterThan(ack.LastOffset), $"acknowledged offset {ack.LastOffset} missing on in-sync replica {r}; {Where()}");
            }
        }
    }

    private static IEnumerable<int> Seeds() => Enumerable.Range(1, 40);

    private static string Step(PartitionHarness h, Random random, HashSet<int> stalled, List<(long, bool)> acks)
    {
        int follower = random.Next(2, 4);
        switch (random.Next(100))
        {
            case < 20:
            {
                bool acksAll = random.Next(2) == 0;
                var r = h.Append(random.Next(1, 4), requireMinIsr: acksAll);
                if (r.Error == Protocol.ErrorCode.None && r.Log.IsSuccess && (!acksAll || r.IsrSize >= h.Partition.MinInsyncReplicas))
                    acks.Add((r.Log.LastOffset, acksAll));
                return $"append ({r.Error})";
            }

            case < 55:
                if (stalled.Contains(follower)) return $"follower {follower} stalled";
                h.Fetch(follower, random.Next(0, 4));
                return $"fetch {follower}";
            case < 60:
                if (!stalled.Add(follower)) stalled.Remove(follower);
                return $"toggle stall {follower}";
            case < 70:
                h.Time.Advance(TimeSpan.FromMilliseconds(random.Next(0, 700)));
                return "clock";
            case < 78:
                h.ShrinkCheck(LagMaxMs);
                return "shrink check";
            default:
                if (h.Writer.PendingCount == 0) return "no write to answer";
                switch (random.Next(10))
                {
                    case < 5:
                        var isr = h.Writer.Succeed();
                        h.WaitUntilIsrWriteSettled();
                        return $"write [{string.Join(',', isr)}] succeeded";
                    case < 7:
                        h.Writer.Reject();
                        h.WaitUntilIsrWriteSettled();
                        return "write rejected";
                    case < 8:
                        h.Writer.Fail();
                        h.WaitUntilIsrWriteSettled();
                        return "write failed";
                    default:
                        return "write delayed";
                }
        }
    }
}
