using Broker.Protocol.Records;
using Broker.Storage.Cleaner;
using Broker.Storage.Log;

namespace Broker.Storage.Tests.Cleaner;

/// <summary>Compressed batches are cleaned as Kafka's cleaner cleans them: decompressed, filtered, recompressed.</summary>
public sealed class CompressedCleanerTests : CleanerTestBase
{
    [TestCase(CompressionType.Gzip)]
    [TestCase(CompressionType.Snappy)]
    [TestCase(CompressionType.Lz4)]
    [TestCase(CompressionType.Zstd)]
    public void CompressedBatches_KeepLatestValuePerKey_RecompressedWithTheirCodec(CompressionType codec)
    {
        PartitionLog log = Open(Compacted(segmentBytes: 600));
        for (int round = 0; round < 8; round++)
        {
            // Three keys per batch, one of them unique: every cleaned batch keeps some records and loses others.
            PutCompressed(log, codec, NowMs, ($"k{round % 3}", $"v{round}"), ($"k{(round + 1) % 3}", $"w{round}"), ($"u{round}", "unique"));
        }

        log.Roll();
        log.HighWatermark = log.LogEndOffset;
        List<Rec> before = ReadAll(log);

        CleanResult result = NewCleaner().Clean(log, 0, long.MaxValue);

        List<Rec> after = ReadAll(log);
        Assert.That(result.RecordsRemoved, Is.GreaterThan(0), "superseded records inside compressed batches are removed");
        Assert.That(after, Is.EqualTo(ExpectedAfterCleaning(before, log.LogEndOffset)));
        List<RecordBatchHeader> headers = Batches.Headers(log.Read(0, 1 << 20).Records.Span).ToList();
        Assert.That(headers.Where(h => h.RecordsCount > 0).Select(h => h.Compression), Is.All.EqualTo(codec), "retained records stay compressed with the batch's codec");
        Assert.That(headers.Any(h => h.RecordsCount < h.LastOffsetDelta + 1), Is.True, "rebuilt batches keep their offset range");
        foreach (RecordBatchHeader header in headers)
        {
            Assert.That(header.LastOffsetDelta, Is.EqualTo(2), "each batch keeps its last offset delta");
        }

        ReadOnlySpan<byte> data = log.Read(0, 1 << 20).Records.Span;
        while (!data.IsEmpty)
        {
            RecordBatchHeader header = RecordBatchHeader.Read(data);
            Assert.That(RecordBatch.ComputeCrc(data[..header.TotalSize]), Is.EqualTo(header.Crc), "the rebuilt batch's CRC is valid");
            data = data[header.TotalSize..];
        }

        log.Dispose();
        PartitionLog reopened = Open(Compacted(segmentBytes: 600), recoveryPoint: 0);
        Assert.That(ReadAll(reopened), Is.EqualTo(after), "the cleaned compressed log passes recovery unchanged");
    }

    [Test]
    public void CompressedIdempotentBatch_ProducerFieldsKept_EmptiedLastBatchBecomesAnUncompressedHeader()
    {
        PartitionLog log = Open(Compacted());
        var first = new RecordBatchBuilder(NowMs) { ProducerId = 9, ProducerEpoch = 1, BaseSequence = 0 };
        first.Add("a", "1").Add("b", "1").Add("c", "1");
        log.Append(Compress(first.Build(), CompressionType.Zstd));
        var second = new RecordBatchBuilder(NowMs) { ProducerId = 9, ProducerEpoch = 1, BaseSequence = 3 };
        second.Add("a", "2").Add("b", "2");
        log.Append(Compress(second.Build(), CompressionType.Lz4));
        Put(log, NowMs, ("a", "3"), ("b", "3"));
        log.Roll();
        log.HighWatermark = log.LogEndOffset;

        NewCleaner().Clean(log, 0, long.MaxValue);

        List<RecordBatchHeader> headers = Batches.Headers(log.Read(0, 1 << 20).Records.Span).ToList();
        RecordBatchHeader kept = headers.Single(h => h.BaseOffset == 0);
        Assert.That((kept.ProducerId, kept.ProducerEpoch, kept.BaseSequence, kept.LastOffset, kept.RecordsCount, kept.Compression),
            Is.EqualTo((9L, (short)1, 0, 2L, 1, CompressionType.Zstd)), "c survives, recompressed, in a batch keeping its producer fields");
        RecordBatchHeader last = headers.Single(h => h.BaseOffset == 3);
        Assert.That((last.ProducerId, last.BaseSequence, last.LastOffset, last.RecordsCount, last.Compression),
            Is.EqualTo((9L, 3, 4L, 0, CompressionType.None)), "the producer's last batch stays as an empty header");
        Assert.That(ReadAll(log).Select(r => $"{r.Offset}:{r.Key}={r.Value}"), Is.EqualTo(new[] { "2:c=1", "5:a=3", "6:b=3" }));
    }
}
