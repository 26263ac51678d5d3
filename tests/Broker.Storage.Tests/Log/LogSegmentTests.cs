using Broker.Protocol.Records;
using Broker.Storage.Log;

namespace Broker.Storage.Tests.Log;

public class LogSegmentTests
{
    private TempDirectory _dir = null!;
    private LogSegment _segment = null!;
    private readonly LogConfig _config = new() { IndexIntervalBytes = 256 };

    [SetUp]
    public void SetUp()
    {
        _dir = new TempDirectory();
        _segment = LogSegment.Create(_dir.Path, 100, _config);
    }

    [TearDown]
    public void TearDown()
    {
        _segment.Dispose();
        _dir.Dispose();
    }

    /// <summary>Appends <paramref name="count"/> single-batch appends of 3 records each, offsets from 100.</summary>
    private void AppendBatches(int count, long timestamp = 1000)
    {
        long next = _segment.NextOffset;
        for (int i = 0; i < count; i++)
        {
            byte[] batch = Batches.Make(3, timestamp + (i * 10), valueBytes: 40, prefix: $"b{i}-");
            RecordBatch.SetBaseOffset(batch, next);
            _segment.Append(batch, 0);
            next += 3;
        }
    }

    [Test]
    public void Append_ManyBatches_AddsSparseIndexEntries()
    {
        AppendBatches(50);

        Assert.That(_segment.NextOffset, Is.EqualTo(250));
        Assert.That(_segment.OffsetIndexEntryCount, Is.GreaterThan(5).And.LessThan(50));
        Assert.That(_segment.TimeIndexEntryCount, Is.EqualTo(_segment.OffsetIndexEntryCount));
    }

    [Test]
    public void TryRead_EveryOffset_ReturnsBatchContainingIt([Values(100, 101, 102, 103, 150, 178, 249)] long offset)
    {
        AppendBatches(50);

        Assert.That(_segment.TryRead(offset, 1, long.MaxValue, minOneMessage: true, out ReadOnlyMemory<byte> records), Is.True);

        RecordBatchHeader first = RecordBatchHeader.Read(records.Span);
        Assert.That(first.BaseOffset, Is.LessThanOrEqualTo(offset));
        Assert.That(first.LastOffset, Is.GreaterThanOrEqualTo(offset));
        Assert.That(records.Length, Is.EqualTo(first.TotalSize), "one batch when maxBytes is tiny (KIP-74)");
    }

    [Test]
    public void TryRead_MaxBytes_ReturnsOnlyWholeBatchesWithinBudget()
    {
        AppendBatches(50);
        int batchSize = Batches.Make(3, valueBytes: 40, prefix: "b0-").Length;

        _segment.TryRead(100, (batchSize * 4) + (batchSize / 2), long.MaxValue, true, out ReadOnlyMemory<byte> records);

        List<RecordBatchHeader> headers = Batches.Headers(records.Span);
        Assert.That(headers.Select(h => h.BaseOffset), Is.EqualTo(new long[] { 100, 103, 106, 109 }));
    }

    [Test]
    public void TryRead_WithoutMinOneMessage_ReturnsNothingWhenFirstBatchTooLarge()
    {
        AppendBatches(2);

        Assert.That(_segment.TryRead(100, 10, long.MaxValue, minOneMessage: false, out ReadOnlyMemory<byte> records), Is.True);
        Assert.That(records.IsEmpty, Is.True);
    }

    [Test]
    public void TryRead_PastLastOffset_ReturnsFalse()
    {
        AppendBatches(3);

        Assert.That(_segment.TryRead(109, 1000, long.MaxValue, true, out _), Is.False);
    }

    [Test]
    public void TryRead_MaxOffset_StopsBeforeBatchContainingIt()
    {
        AppendBatches(10);

        _segment.TryRead(100, 1 << 20, maxOffsetExclusive: 110, true, out ReadOnlyMemory<byte> records);

        Assert.That(Batches.Headers(records.Span).Last().LastOffset, Is.EqualTo(108));
    }

    [Test]
    public void TryRead_MaxOffsetAtOrPastSegmentEnd_ReturnsEverythingFromTheStart([Values(130, 131, long.MaxValue)] long maxOffsetExclusive)
    {
        AppendBatches(10);

        _segment.TryRead(121, 1 << 20, maxOffsetExclusive, true, out ReadOnlyMemory<byte> records);

        List<RecordBatchHeader> headers = Batches.Headers(records.Span);
        Assert.That((headers.First().BaseOffset, headers.Last().LastOffset), Is.EqualTo((121L, 129L)));
    }

    [Test]
    public void TryRead_SmallTailRead_MatchesTheBytesOnDisk()
    {
        AppendBatches(20);
        byte[] file = File.ReadAllBytes(_segment.LogPath);

        _segment.TryRead(157, 1 << 20, long.MaxValue, true, out ReadOnlyMemory<byte> records);

        Assert.That(records.Span.SequenceEqual(file.AsSpan(file.Length - records.Length)), Is.True);
        Assert.That(Batches.Headers(records.Span).First().BaseOffset, Is.EqualTo(157));
    }

    [Test]
    public void FindOffsetByTimestamp_ReturnsFirstRecordAtOrAfter()
    {
        AppendBatches(50, timestamp: 1000);

        // Batch i has records at 1000+10i, +1, +2.
        Assert.That(_segment.FindOffsetByTimestamp(0), Is.EqualTo((1000L, 100L)));
        Assert.That(_segment.FindOffsetByTimestamp(1201), Is.EqualTo((1201L, 161L)));
        Assert.That(_segment.FindOffsetByTimestamp(1205), Is.EqualTo((1210L, 163L)));
        Assert.That(_segment.FindOffsetByTimestamp(1492), Is.EqualTo((1492L, 249L)));
        Assert.That(_segment.FindOffsetByTimestamp(1493), Is.Null);
    }

    [Test]
    public void Reopen_AfterClose_RecoversSameStateFromIndexes()
    {
        AppendBatches(50);
        int size = _segment.Size;
        int entries = _segment.OffsetIndexEntryCount;
        _segment.Dispose();

        Assert.That(new FileInfo(Path.ChangeExtension(_segment.LogPath, ".index")).Length, Is.EqualTo(entries * 8), "trimmed on close");
        _segment = LogSegment.Open(_dir.Path, 100, _config, active: true);
        Assert.That(_segment.Recover(full: false), Is.EqualTo(0));

        Assert.That(_segment.Size, Is.EqualTo(size));
        Assert.That(_segment.NextOffset, Is.EqualTo(250));
        Assert.That(_segment.OffsetIndexEntryCount, Is.EqualTo(entries));
        Assert.That(_segment.MaxTimestamp, Is.EqualTo(1492));
    }

    [Test]
    public void TruncateTo_RemovesBatchContainingOffsetAndLater()
    {
        AppendBatches(50);

        int removed = _segment.TruncateTo(160);

        Assert.That(removed, Is.GreaterThan(0));
        Assert.That(_segment.NextOffset, Is.EqualTo(160));
        Assert.That(_segment.TryRead(160, 1000, long.MaxValue, true, out _), Is.False);
        Assert.That(_segment.TryRead(157, 1000, long.MaxValue, true, out var records), Is.True);
        Assert.That(RecordBatchHeader.Read(records.Span).BaseOffset, Is.EqualTo(157));
    }
}
