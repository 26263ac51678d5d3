using Broker.Protocol.Records;
using Broker.Storage.Producers;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Storage.Tests.Producers;

/// <summary>The sequence and epoch rules of idempotent producers, checked directly on the state manager.</summary>
public class ProducerStateManagerTests
{
    private const long Pid = 1000;
    private TempDirectory _dir = null!;
    private ProducerStateManager _state = null!;
    private long _nextOffset;

    [SetUp]
    public void SetUp()
    {
        _dir = new TempDirectory();
        _state = new ProducerStateManager(_dir.Path, NullLogger.Instance);
        _nextOffset = 0;
    }

    [TearDown]
    public void TearDown() => _dir.Dispose();

    [Test]
    public void UnknownProducer_AcceptsAnySequence()
    {
        Assert.That(Append(Pid, 0, 42, 3), Is.EqualTo(RecordBatchError.None));

        Assert.That(_state.TryGetEntry(Pid, out ProducerStateEntry entry), Is.True);
        Assert.That((entry.ProducerEpoch, entry.LastSeq, entry.LastOffset), Is.EqualTo(((short)0, 44, 2L)));
        Assert.That(entry.Batches, Is.EqualTo(new[] { new BatchMetadata(42, 44, 0, 2, RecordsFingerprint.Of(RecordBatchHeader.Read(Batches.Idempotent(Pid, 0, 42, 3)))) }));
    }

    [Test]
    public void SameEpoch_NextSequence_IsAccepted()
    {
        Append(Pid, 0, 0, 5);

        Assert.That(Append(Pid, 0, 5, 2), Is.EqualTo(RecordBatchError.None));
        Assert.That(Entry().LastSeq, Is.EqualTo(6));
    }

    [TestCase(7)]
    [TestCase(3)]
    [TestCase(0)]
    public void SameEpoch_NonConsecutiveSequence_IsOutOfOrder(int firstSeq)
    {
        Append(Pid, 0, 0, 5);

        Assert.That(Check(Pid, 0, firstSeq, 1, out _), Is.EqualTo(RecordBatchError.OutOfOrderSequence));
        Assert.That(_state.HasPending, Is.False);
    }

    [Test]
    public void Retry_OfAnyOfLastFiveBatches_IsDuplicateWithOriginalOffsets()
    {
        for (int i = 0; i < 6; i++)
        {
            Append(Pid, 0, i * 2, 2);
        }

        Assert.That(Check(Pid, 0, 2, 2, out BatchMetadata duplicate), Is.EqualTo(RecordBatchError.DuplicateSequence));
        Assert.That(duplicate, Is.EqualTo(new BatchMetadata(2, 3, 2, 3, RecordsFingerprint.Of(RecordBatchHeader.Read(Batches.Idempotent(Pid, 0, 2, 2))))));
        Assert.That(Check(Pid, 0, 10, 2, out duplicate), Is.EqualTo(RecordBatchError.DuplicateSequence));
        Assert.That(duplicate.FirstOffset, Is.EqualTo(10));
        Assert.That(Check(Pid, 0, 0, 2, out _), Is.EqualTo(RecordBatchError.OutOfOrderSequence), "the sixth-newest batch is forgotten");
        Assert.That(Entry().Batches, Has.Count.EqualTo(ProducerStateEntry.BatchesToRetain));
    }

    [Test]
    public void SameRange_OtherRecords_IsSequenceReused_AndNotRemembered()
    {
        Append(Pid, 0, 0, 2);
        var other = RecordBatchHeader.Read(Batches.Idempotent(Pid, 0, 0, 2, prefix: "other"));

        Assert.That(_state.Check(other, _nextOffset, out BatchMetadata stored), Is.EqualTo(RecordBatchError.SequenceReused));
        Assert.That(stored.FirstOffset, Is.EqualTo(0));
        Assert.That(_state.HasPending, Is.False);
        Assert.That(Check(Pid, 0, 0, 2, out _), Is.EqualTo(RecordBatchError.DuplicateSequence));
    }

    [Test]
    public void Retry_WithDifferentRange_IsNotDuplicate()
    {
        Append(Pid, 0, 0, 4);

        Assert.That(Check(Pid, 0, 0, 2, out _), Is.EqualTo(RecordBatchError.OutOfOrderSequence));
    }

    [Test]
    public void OlderEpoch_IsInvalidProducerEpoch()
    {
        Append(Pid, 3, 0, 1);

        Assert.That(Check(Pid, 2, 1, 1, out _), Is.EqualTo(RecordBatchError.InvalidProducerEpoch));
        Assert.That(Check(Pid, 2, 0, 1, out _), Is.EqualTo(RecordBatchError.InvalidProducerEpoch), "even a retry of an old-epoch batch");
    }

    [Test]
    public void NewerEpoch_MustStartAtZero()
    {
        Append(Pid, 0, 0, 5);

        Assert.That(Check(Pid, 1, 5, 1, out _), Is.EqualTo(RecordBatchError.OutOfOrderSequence));
        Assert.That(Append(Pid, 1, 0, 1), Is.EqualTo(RecordBatchError.None));
        Assert.That(Entry().Batches, Has.Count.EqualTo(1), "a new epoch forgets the old batches");
        Assert.That(Entry().ProducerEpoch, Is.EqualTo(1));
    }

    [Test]
    public void UnknownStoredEpoch_AcceptsAnySequence()
    {
        Apply(Pid, -1, 10, 1);

        Assert.That(Append(Pid, 0, 77, 1), Is.EqualTo(RecordBatchError.None));
    }

    [Test]
    public void Sequence_WrapsFromIntMaxToZero()
    {
        Append(Pid, 0, int.MaxValue - 1, 2);
        Assert.That(Entry().LastSeq, Is.EqualTo(int.MaxValue));

        Assert.That(Append(Pid, 0, 0, 1), Is.EqualTo(RecordBatchError.None));
    }

    [Test]
    public void Batch_SpanningIntMax_EndsAfterWrap()
    {
        Append(Pid, 0, int.MaxValue - 1, 4);

        Assert.That(Entry().LastSeq, Is.EqualTo(1));
        Assert.That(Append(Pid, 0, 2, 1), Is.EqualTo(RecordBatchError.None));
    }

    [Test]
    public void PendingBatches_AreCheckedAgainstEachOther_AndDiscardedOnFailure()
    {
        Append(Pid, 0, 0, 2);

        Assert.That(Check(Pid, 0, 2, 2, out _), Is.EqualTo(RecordBatchError.None));
        Assert.That(Check(Pid, 0, 4, 1, out _), Is.EqualTo(RecordBatchError.None), "follows the pending batch");
        Assert.That(Check(Pid, 0, 9, 1, out _), Is.EqualTo(RecordBatchError.OutOfOrderSequence));
        _state.DiscardPending();

        Assert.That(Entry().LastSeq, Is.EqualTo(1));
        Assert.That(Append(Pid, 0, 2, 1), Is.EqualTo(RecordBatchError.None));
    }

    [Test]
    public void Apply_RecordsWithoutValidation()
    {
        Append(Pid, 5, 0, 1);

        Apply(Pid, 4, 100, 2);

        Assert.That((Entry().ProducerEpoch, Entry().LastSeq), Is.EqualTo(((short)4, 101)));
    }

    [Test]
    public void TruncateHead_DropsProducersEntirelyBelowLogStart()
    {
        Append(Pid, 0, 0, 3);      // offsets 0..2
        Append(Pid + 1, 0, 0, 3);  // offsets 3..5

        _state.TruncateHead(3);

        Assert.That(_state.TryGetEntry(Pid, out _), Is.False);
        Assert.That(_state.TryGetEntry(Pid + 1, out _), Is.True);
    }

    [Test]
    public void Snapshot_RoundTripsAllRememberedBatches()
    {
        for (int i = 0; i < 7; i++)
        {
            Append(Pid, 2, i, 1);
        }

        Append(Pid + 1, 0, 9, 3);
        _state.TakeSnapshot(_nextOffset, fsync: true);
        var reloaded = new ProducerStateManager(_dir.Path, NullLogger.Instance);

        Assert.That(reloaded.LoadLatestSnapshot(long.MaxValue), Is.EqualTo(_nextOffset));
        Assert.That(reloaded.Count, Is.EqualTo(2));
        Assert.That(reloaded.TryGetEntry(Pid, out ProducerStateEntry entry), Is.True);
        Assert.That(entry.Batches, Is.EqualTo(Entry().Batches));
        Assert.That((entry.ProducerEpoch, entry.LastTimestamp), Is.EqualTo((Entry().ProducerEpoch, Entry().LastTimestamp)));
    }

    [Test]
    public void TakeSnapshot_KeepsOnlyTheNewestTwo()
    {
        foreach (long offset in new long[] { 5, 10, 20 })
        {
            _state.TakeSnapshot(offset, fsync: false);
        }

        Assert.That(_state.SnapshotOffsets(), Is.EqualTo(new long[] { 10, 20 }));
        Assert.That(File.Exists(Path.Combine(_dir.Path, "00000000000000000020.snapshot")), Is.True);
    }

    [Test]
    public void LoadLatestSnapshot_SkipsCorruptAndTooNewFiles()
    {
        Append(Pid, 0, 0, 1);
        _state.TakeSnapshot(1, fsync: true);
        Append(Pid, 0, 1, 1);
        _state.TakeSnapshot(2, fsync: true);
        string newest = Path.Combine(_dir.Path, "00000000000000000002.snapshot");
        byte[] bytes = File.ReadAllBytes(newest);
        bytes[^1] ^= 0x5A;
        File.WriteAllBytes(newest, bytes);
        File.WriteAllBytes(Path.Combine(_dir.Path, "00000000000000000009.snapshot"), bytes);

        var reloaded = new ProducerStateManager(_dir.Path, NullLogger.Instance);

        Assert.That(reloaded.LoadLatestSnapshot(maxOffset: 5), Is.EqualTo(1));
        Assert.That(reloaded.TryGetEntry(Pid, out ProducerStateEntry entry) && entry.LastSeq == 0, Is.True);
        Assert.That(reloaded.SnapshotOffsets(), Is.EqualTo(new long[] { 1 }), "corrupt and too-new snapshots are deleted");
    }

    [TestCase(0)]
    [TestCase(5)]
    [TestCase(13)]
    public void LoadLatestSnapshot_TruncatedFile_IsRejected(int keepBytes)
    {
        Append(Pid, 0, 0, 1);
        _state.TakeSnapshot(1, fsync: true);
        string path = Path.Combine(_dir.Path, "00000000000000000001.snapshot");
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..keepBytes]);

        var reloaded = new ProducerStateManager(_dir.Path, NullLogger.Instance);

        Assert.That(reloaded.LoadLatestSnapshot(long.MaxValue), Is.EqualTo(-1));
        Assert.That(reloaded.Count, Is.EqualTo(0));
    }

    private ProducerStateEntry Entry()
    {
        Assert.That(_state.TryGetEntry(Pid, out ProducerStateEntry entry), Is.True);
        return entry;
    }

    private RecordBatchError Check(long pid, short epoch, int firstSeq, int count, out BatchMetadata duplicate) =>
        _state.Check(RecordBatchHeader.Read(Batches.Idempotent(pid, epoch, firstSeq, count)), _nextOffset, out duplicate);

    /// <summary>Check then commit, as PartitionLog.Append does, advancing the fake log end.</summary>
    private RecordBatchError Append(long pid, short epoch, int firstSeq, int count)
    {
        RecordBatchError error = Check(pid, epoch, firstSeq, count, out _);
        if (error == RecordBatchError.None)
        {
            _state.CommitPending();
            _nextOffset += count;
        }
        else
        {
            _state.DiscardPending();
        }

        return error;
    }

    private void Apply(long pid, short epoch, int firstSeq, int count)
    {
        byte[] batch = Batches.Idempotent(pid, epoch, firstSeq, count);
        RecordBatch.SetBaseOffset(batch, _nextOffset);
        _state.Apply(RecordBatchHeader.Read(batch));
        _nextOffset += count;
    }
}
