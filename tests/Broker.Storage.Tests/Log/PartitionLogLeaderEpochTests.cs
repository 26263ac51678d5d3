using Broker.Protocol.Records;
using Broker.Storage.Log;

namespace Broker.Storage.Tests.Log;

/// <summary>KIP-101 / KIP-279: the epoch cache follows appends, truncation, retention and restarts.</summary>
public class PartitionLogLeaderEpochTests : PartitionLogTestBase
{
    private string CheckpointPath => Path.Combine(PartitionDir, LeaderEpochCache.FileName);

    [Test]
    public void Append_NewLeaderEpoch_IsAssignedAtBaseOffset()
    {
        PartitionLog log = Open();
        log.Append(Batches.Make(3), leaderEpoch: 0);
        log.Append(Batches.Make(2), leaderEpoch: 0);
        log.Append(Batches.Make(4), leaderEpoch: 2);
        log.Append(Batches.Make(1), leaderEpoch: 1);

        Assert.That(log.LeaderEpochs.Entries, Is.EqualTo(new[] { new EpochEntry(0, 0), new EpochEntry(2, 5) }));
        Assert.That(log.LeaderEpochs.EndOffsetFor(0, log.LogEndOffset), Is.EqualTo((0, 5L)));
        Assert.That(log.LeaderEpochs.EndOffsetFor(2, log.LogEndOffset), Is.EqualTo((2, 10L)));
    }

    [Test]
    public void Append_NegativeEpoch_AssignsNothing()
    {
        PartitionLog log = Open();

        log.Append(Batches.Make(1), leaderEpoch: -1);

        Assert.That(log.LeaderEpochs.Entries, Is.Empty);
        Assert.That(File.Exists(CheckpointPath), Is.False);
    }

    [Test]
    public void AppendAsFollower_AssignsEpochsFromBatchHeaders()
    {
        PartitionLog log = Open();

        log.AppendAsFollower(RecordBatchBuilder.Concat(LeaderBatch(0, 2, epoch: 1), LeaderBatch(2, 3, epoch: 1), LeaderBatch(5, 1, epoch: 3)));
        log.AppendAsFollower(LeaderBatch(6, 2, epoch: 4));

        Assert.That(log.LeaderEpochs.Entries, Is.EqualTo(new[] { new EpochEntry(1, 0), new EpochEntry(3, 5), new EpochEntry(4, 6) }));
    }

    [Test]
    public void AppendAsFollower_RejectedOverlap_AssignsNothing()
    {
        PartitionLog log = Open();
        log.AppendAsFollower(LeaderBatch(0, 4, epoch: 1));

        log.AppendAsFollower(LeaderBatch(3, 2, epoch: 2));

        Assert.That(log.LeaderEpochs.Entries, Is.EqualTo(new[] { new EpochEntry(1, 0) }));
    }

    [Test]
    public void Truncate_RemovesEpochsAtOrAfterNewEnd()
    {
        PartitionLog log = Open();
        log.AppendAsFollower(RecordBatchBuilder.Concat(LeaderBatch(0, 5, epoch: 1), LeaderBatch(5, 5, epoch: 2), LeaderBatch(10, 5, epoch: 3)));

        long end = log.Truncate(7);

        Assert.That(end, Is.EqualTo(5), "the batch holding offset 7 goes whole");
        Assert.That(log.LeaderEpochs.Entries, Is.EqualTo(new[] { new EpochEntry(1, 0) }));
        Assert.That(log.LeaderEpochs.EndOffsetFor(1, log.LogEndOffset), Is.EqualTo((1, 5L)));
    }

    [Test]
    public void Truncate_ThenNewLeaderEpoch_DivergentHistoryIsReplaced()
    {
        // KIP-279: a follower truncates to the leader's epoch end and then takes the leader's newer epoch.
        PartitionLog log = Open();
        log.AppendAsFollower(RecordBatchBuilder.Concat(LeaderBatch(0, 3, epoch: 1), LeaderBatch(3, 3, epoch: 2)));
        (int epoch, long endOffset) = (1, 3L);  // what the new leader answers for epoch 2

        log.Truncate(endOffset);
        log.AppendAsFollower(LeaderBatch(3, 4, epoch: 3));

        Assert.That(epoch, Is.EqualTo(1));
        Assert.That(log.LeaderEpochs.Entries, Is.EqualTo(new[] { new EpochEntry(1, 0), new EpochEntry(3, 3) }));
        Assert.That(log.LeaderEpochs.EndOffsetFor(2, log.LogEndOffset), Is.EqualTo((1, 3L)));
    }

    [Test]
    public void TruncateFullyAndStartAt_ClearsEpochs()
    {
        PartitionLog log = Open();
        log.Append(Batches.Make(3), leaderEpoch: 4);

        log.TruncateFullyAndStartAt(50);

        Assert.That(log.LeaderEpochs.Entries, Is.Empty);
        log.Append(Batches.Make(1), leaderEpoch: 5);
        Assert.That(log.LeaderEpochs.Entries, Is.EqualTo(new[] { new EpochEntry(5, 50) }));
    }

    [Test]
    public void Retention_MovesFirstEpochUpToNewLogStart()
    {
        int batchSize = Batches.Make(1, valueBytes: 100).Length;
        PartitionLog log = Open(new LogConfig { SegmentBytes = batchSize * 2, RetentionBytes = batchSize * 3, FileDeleteDelayMs = 0 });
        for (int i = 0; i < 8; i++)
        {
            Assert.That(log.Append(Batches.Make(1, valueBytes: 100), leaderEpoch: i < 3 ? 1 : 2).IsSuccess);
        }

        log.HighWatermark = log.LogEndOffset; // everything replicated
        log.DeleteOldSegments();

        Assert.That(log.LogStartOffset, Is.GreaterThan(3));
        Assert.That(log.LeaderEpochs.Entries, Is.EqualTo(new[] { new EpochEntry(2, log.LogStartOffset) }));
    }

    [Test]
    public void Reopen_KeepsEpochsFromCheckpoint()
    {
        PartitionLog log = Open();
        log.Append(Batches.Make(3), leaderEpoch: 1);
        log.Append(Batches.Make(3), leaderEpoch: 4);
        log.Dispose();

        PartitionLog reopened = Open();

        Assert.That(reopened.LeaderEpochs.Entries, Is.EqualTo(new[] { new EpochEntry(1, 0), new EpochEntry(4, 3) }));
        Assert.That(reopened.LeaderEpochs.EndOffsetFor(1, reopened.LogEndOffset), Is.EqualTo((1, 3L)));
    }

    [Test]
    public void Reopen_WithoutCheckpoint_RebuildsFromBatchHeaders()
    {
        PartitionLog log = Open(new LogConfig { SegmentBytes = 300 });
        for (int i = 0; i < 6; i++)
        {
            log.Append(Batches.Make(2), leaderEpoch: i / 2);
        }

        log.Dispose();
        File.Delete(CheckpointPath);

        PartitionLog reopened = Open(new LogConfig { SegmentBytes = 300 });

        Assert.That(reopened.Segments, Has.Count.GreaterThan(1));
        Assert.That(reopened.LeaderEpochs.Entries, Is.EqualTo(new[] { new EpochEntry(0, 0), new EpochEntry(1, 4), new EpochEntry(2, 8) }));
        Assert.That(File.ReadAllText(CheckpointPath), Is.EqualTo("0\n3\n0 0\n1 4\n2 8\n"));
    }

    [Test]
    public void Reopen_CheckpointAheadOfRecoveredLog_IsTruncatedToLogEnd()
    {
        PartitionLog log = Open();
        log.Append(Batches.Make(3), leaderEpoch: 1);
        log.Dispose();

        // The checkpoint reached disk but the epoch-2 data did not (crash).
        File.WriteAllText(CheckpointPath, "0\n2\n1 0\n2 3\n");
        PartitionLog reopened = Open();

        Assert.That(reopened.LeaderEpochs.Entries, Is.EqualTo(new[] { new EpochEntry(1, 0) }));
    }

    private static byte[] LeaderBatch(long baseOffset, int records, int epoch)
    {
        byte[] batch = Batches.Make(records);
        RecordBatch.SetBaseOffset(batch, baseOffset);
        RecordBatch.SetPartitionLeaderEpoch(batch, epoch);
        return batch;
    }
}
