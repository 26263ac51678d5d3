using Broker.Protocol.Records;
using Broker.Storage.Log;

namespace Broker.Storage.Tests.Log;

public class PartitionLogRecoveryTests : PartitionLogTestBase
{
    private string ActiveLogFile(PartitionLog log) => log.Segments[^1].LogPath;

    [Test]
    public void Reopen_AfterCleanClose_KeepsEverything()
    {
        PartitionLog log = Open(new LogConfig { SegmentBytes = 500 });
        for (int i = 0; i < 20; i++)
        {
            AppendRecords(log, 2, valueBytes: 30);
        }

        int segments = log.Segments.Count;
        log.Dispose();

        PartitionLog reopened = Open(new LogConfig { SegmentBytes = 500 }, recoveryPoint: 40);

        Assert.That(reopened.LogEndOffset, Is.EqualTo(40));
        Assert.That(reopened.Segments, Has.Count.EqualTo(segments));
        Assert.That(reopened.RecoveryPoint, Is.EqualTo(40));
        Assert.That(Batches.Values(reopened.Read(38, 1 << 20).Records.Span), Has.Count.EqualTo(2));
    }

    [TestCase(1)]
    [TestCase(20)]
    [TestCase(61)]
    public void Reopen_TornTail_TruncatesToLastWholeBatch(int chopBytes)
    {
        PartitionLog log = Open();
        AppendRecords(log, 3);
        AppendRecords(log, 2);
        AppendRecords(log, 4, valueBytes: 20);
        string file = ActiveLogFile(log);
        log.Dispose();
        using (var stream = new FileStream(file, FileMode.Open))
        {
            stream.SetLength(stream.Length - chopBytes);
        }

        PartitionLog reopened = Open();

        Assert.That(reopened.LogEndOffset, Is.EqualTo(5));
        Assert.That(Batches.Values(reopened.Read(0, 1 << 20).Records.Span), Has.Count.EqualTo(5));
        Assert.That(AppendRecords(reopened).BaseOffset, Is.EqualTo(5));
        Assert.That(reopened.Read(5, 1000).Records.Length, Is.GreaterThan(0));
    }

    [Test]
    public void Reopen_CorruptCrcInLastBatch_TruncatesIt()
    {
        PartitionLog log = Open();
        AppendRecords(log, 3);
        int firstSize = log.Segments[0].Size;
        AppendRecords(log, 2);
        string file = ActiveLogFile(log);
        log.Dispose();
        byte[] bytes = File.ReadAllBytes(file);
        bytes[firstSize + RecordBatchHeader.Size + 3] ^= 0x40;
        File.WriteAllBytes(file, bytes);

        PartitionLog reopened = Open();

        Assert.That(reopened.LogEndOffset, Is.EqualTo(3));
        Assert.That(new FileInfo(file).Length, Is.EqualTo(firstSize));
        Assert.That(AppendRecords(reopened, 2).BaseOffset, Is.EqualTo(3));
    }

    [Test]
    public void Reopen_GarbageAppended_IsRemoved()
    {
        PartitionLog log = Open();
        AppendRecords(log, 3);
        string file = ActiveLogFile(log);
        long size = log.Size;
        log.Dispose();
        using (var stream = new FileStream(file, FileMode.Append))
        {
            stream.Write(Enumerable.Range(0, 300).Select(i => (byte)(i * 7)).ToArray());
        }

        PartitionLog reopened = Open();

        Assert.That(reopened.LogEndOffset, Is.EqualTo(3));
        Assert.That(reopened.Size, Is.EqualTo(size));
    }

    [Test]
    public void Reopen_CorruptionInOlderSegment_DropsLaterSegments()
    {
        PartitionLog log = Open(new LogConfig { FileDeleteDelayMs = 0 });
        AppendRecords(log, 2);
        AppendRecords(log, 2);
        log.Roll();
        AppendRecords(log, 2);
        string first = log.Segments[0].LogPath;
        log.Dispose();
        byte[] bytes = File.ReadAllBytes(first);
        bytes[^1] ^= 0x01;
        File.WriteAllBytes(first, bytes);

        PartitionLog reopened = Open();

        Assert.That(reopened.LogEndOffset, Is.EqualTo(2));
        Assert.That(reopened.Segments, Has.Count.EqualTo(1));
        Assert.That(File.Exists(LogFileName(4)), Is.False);
    }

    [Test]
    public void Reopen_BelowRecoveryPoint_TrustsFlushedSegments()
    {
        PartitionLog log = Open();
        AppendRecords(log, 2);
        log.Roll();
        AppendRecords(log, 2);
        string first = log.Segments[0].LogPath;
        log.Dispose();
        byte[] bytes = File.ReadAllBytes(first);
        bytes[^1] ^= 0x01;
        File.WriteAllBytes(first, bytes);

        PartitionLog reopened = Open(recoveryPoint: 4);

        Assert.That(reopened.LogEndOffset, Is.EqualTo(4), "segments below the recovery point are not rescanned, as Kafka");
    }

    [Test]
    public void Reopen_DeletedIndex_IsRebuilt()
    {
        var config = new LogConfig { IndexIntervalBytes = 100, SegmentBytes = 4000 };
        PartitionLog log = Open(config);
        for (int i = 0; i < 60; i++)
        {
            AppendRecords(log, 1, valueBytes: 50, timestamp: 1000 + i);
        }

        LogSegment firstSegment = log.Segments[0];
        string index = Path.ChangeExtension(firstSegment.LogPath, ".index");
        string timeIndex = Path.ChangeExtension(firstSegment.LogPath, ".timeindex");
        log.Dispose();
        long indexLength = new FileInfo(index).Length;
        File.Delete(index);
        File.Delete(timeIndex);

        PartitionLog reopened = Open(config, recoveryPoint: 60);

        Assert.That(new FileInfo(index).Length, Is.EqualTo(indexLength));
        Assert.That(File.Exists(timeIndex), Is.True);
        Assert.That(reopened.Segments[0].OffsetIndexEntryCount, Is.GreaterThan(0));
        Assert.That(RecordBatchHeader.Read(reopened.Read(17, 1).Records.Span).BaseOffset, Is.EqualTo(17));
        Assert.That(reopened.OffsetForTimestamp(1020), Is.EqualTo(new TimestampAndOffset(1020, 20)));
    }

    [Test]
    public void Reopen_PreallocatedIndexAfterCrash_IsSanitised()
    {
        var config = new LogConfig { IndexIntervalBytes = 100 };
        PartitionLog log = Open(config);
        for (int i = 0; i < 30; i++)
        {
            AppendRecords(log, 1, valueBytes: 50);
        }

        // Simulate a crash: copy the files while the index is still preallocated, then reopen the copy.
        string copy = Path.Combine(Path.GetDirectoryName(PartitionDir)!, "copy-0");
        Directory.CreateDirectory(copy);
        foreach (string file in Directory.GetFiles(PartitionDir))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        Assert.That(new FileInfo(Path.Combine(copy, "00000000000000000000.index")).Length, Is.EqualTo(config.MaxIndexBytes));
        using PartitionLog crashed = PartitionLog.Open(copy, config, Time, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, recoveryPoint: 30);

        Assert.That(crashed.LogEndOffset, Is.EqualTo(30));
        Assert.That(crashed.Segments[0].OffsetIndexEntryCount, Is.EqualTo(log.Segments[0].OffsetIndexEntryCount));
    }

    [Test]
    public void Reopen_StrayFiles_AreDeleted()
    {
        PartitionLog log = Open();
        AppendRecords(log);
        log.Dispose();
        File.WriteAllText(Path.Combine(PartitionDir, "00000000000000000005.log.deleted"), "x");
        File.WriteAllText(Path.Combine(PartitionDir, "00000000000000000007.index"), "x");
        File.WriteAllText(Path.Combine(PartitionDir, "00000000000000000000.log.cleaned"), "x");

        PartitionLog reopened = Open();

        Assert.That(Directory.GetFiles(PartitionDir, "0*").Select(Path.GetFileName).Order(),
            Is.EqualTo(new[] { "00000000000000000000.index", "00000000000000000000.log", "00000000000000000000.timeindex" }));
        Assert.That(reopened.LogEndOffset, Is.EqualTo(1));
    }

    private string LogFileName(long baseOffset) => Path.Combine(PartitionDir, baseOffset.ToString("D20") + ".log");
}
