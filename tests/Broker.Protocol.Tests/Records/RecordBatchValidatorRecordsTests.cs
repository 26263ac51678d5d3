using Broker.Protocol.Records;
using Broker.Protocol.Tests.TestSupport;
using Snappier;
using static Broker.Protocol.Tests.TestSupport.HostileBatches;

namespace Broker.Protocol.Tests.Records;

/// <summary>One test per rule of <see cref="RecordBatchValidator.ValidateRecords"/>, each fed a crafted batch.</summary>
public sealed class RecordBatchValidatorRecordsTests
{
    private const long Now = Timestamp + 1000;

    private static readonly RecordValidationOptions Options = RecordValidationOptions.ForTopic(1 << 20, TimestampType.CreateTime, Now);

    private static RecordBatchError Check(byte[] batch, RecordValidationOptions? options = null) => Check(batch, out _, options);

    private static RecordBatchError Check(byte[] batch, out string? message, RecordValidationOptions? options = null)
    {
        // Every crafted batch passes the shallow checks: only the record rules can refuse it.
        Assert.That(RecordBatchValidator.ValidateOne(batch, int.MaxValue, out _), Is.EqualTo(RecordBatchError.None));
        return RecordBatchValidator.ValidateRecords(batch, options ?? Options, out _, out message);
    }

    [TestCase(CompressionType.None)]
    [TestCase(CompressionType.Gzip)]
    [TestCase(CompressionType.Snappy)]
    [TestCase(CompressionType.Lz4)]
    [TestCase(CompressionType.Zstd)]
    public void OrdinaryBatch_OfEachCodec_IsValid_AndReportsItsMaxTimestamp(CompressionType codec)
    {
        byte[] batch = Compressed(codec, 50, valueBytes: 200);
        Assert.That(RecordBatchValidator.ValidateRecords(batch, Options, out long max, out string? message), Is.EqualTo(RecordBatchError.None), message);
        Assert.That(max, Is.EqualTo(Timestamp + 49));
    }

    [Test]
    public void PlainSnappyWithoutXerialFraming_IsValid()
    {
        byte[] batch = Batch(Snappy.CompressToArray(HostileBatches.Records(5)), 5, (int)CompressionType.Snappy);
        Assert.That(Check(batch), Is.EqualTo(RecordBatchError.None));
    }

    [TestCase(CompressionType.None)]
    [TestCase(CompressionType.Lz4)]
    public void CountLargerThanTheRecordsPresent_IsInvalidRecord(CompressionType codec)
    {
        byte[] batch = Batch(Compress(codec, HostileBatches.Records(2)), 3, (int)codec);
        Assert.That(Check(batch), Is.EqualTo(RecordBatchError.InvalidRecord));
    }

    [TestCase(CompressionType.None)]
    [TestCase(CompressionType.Zstd)]
    public void CountSmallerThanTheRecordsPresent_IsInvalidRecord(CompressionType codec)
    {
        byte[] batch = Batch(Compress(codec, HostileBatches.Records(3)), 2, (int)codec);
        Assert.That(Check(batch, out string? message), Is.EqualTo(RecordBatchError.InvalidRecord));
        Assert.That(message, Does.Contain("remain after the last record"));
    }

    [Test]
    public void TrailingGarbageAfterTheLastRecord_IsInvalidRecord()
    {
        byte[] batch = Batch([.. HostileBatches.Records(2), 0xDE, 0xAD], 2);
        Assert.That(Check(batch), Is.EqualTo(RecordBatchError.InvalidRecord));
    }

    [Test]
    public void RecordLengthVarintLongerThanFiveBytes_IsInvalidRecord()
    {
        byte[] batch = Batch([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, .. Record()[1..]], 1);
        Assert.That(Check(batch), Is.EqualTo(RecordBatchError.InvalidRecord));
    }

    [TestCase(1000)]
    [TestCase(int.MaxValue)]
    [TestCase(-7)]
    public void RecordLengthBeyondTheRecords_OrNegative_IsInvalidRecord(int length)
    {
        byte[] batch = Batch(Record(lengthOverride: length), 1);
        Assert.That(Check(batch), Is.EqualTo(RecordBatchError.InvalidRecord));
    }

    [Test]
    public void RecordBodyLongerThanItsFields_IsInvalidRecord()
    {
        byte[] record = Record(tail: [1, 2, 3]);
        Assert.That(Check(Batch(record, 1), out string? message), Is.EqualTo(RecordBatchError.InvalidRecord));
        Assert.That(message, Does.Contain("invalid record size"));
    }

    [TestCase(-2)]
    [TestCase(-5)]
    [TestCase(int.MinValue)]
    public void NegativeKeyLengthOtherThanNull_IsInvalidRecord(int keyLength)
    {
        Assert.That(Check(Batch(Record(keyLength: keyLength), 1)), Is.EqualTo(RecordBatchError.InvalidRecord));
    }

    [Test]
    public void NegativeValueLengthOtherThanNull_IsInvalidRecord()
    {
        Assert.That(Check(Batch(Record(valueLength: -3), 1)), Is.EqualTo(RecordBatchError.InvalidRecord));
    }

    [Test]
    public void NullKeyAndNullValue_AreValid()
    {
        Assert.That(Check(Batch(Record(keyLength: -1, valueLength: -1), 1)), Is.EqualTo(RecordBatchError.None));
    }

    [Test]
    public void KeyLengthBeyondTheRecord_IsInvalidRecord()
    {
        // The key claims 100 bytes inside a record of a dozen: refused without reading past the record.
        byte[] record = Record(keyLength: 1);
        byte[] lying = [.. record[..4], .. Varint(100), .. record[5..]];
        Assert.That(Check(Batch(lying, 1)), Is.EqualTo(RecordBatchError.InvalidRecord));
    }

    [Test]
    public void OffsetDeltaOtherThanTheRecordIndex_IsInvalidRecord()
    {
        byte[] batch = Batch([.. Record(offsetDelta: 0), .. Record(offsetDelta: 5)], 2);
        Assert.That(Check(batch, out string? message), Is.EqualTo(RecordBatchError.InvalidRecord));
        Assert.That(message, Does.Contain("offset delta 5"));
    }

    [Test]
    public void NegativeHeaderCount_IsInvalidRecord()
    {
        Assert.That(Check(Batch(Record(headerCount: -1), 1)), Is.EqualTo(RecordBatchError.InvalidRecord));
    }

    [Test]
    public void NullHeaderKey_IsInvalidRecord()
    {
        byte[] header = [.. Varint(-1), .. Varint(-1)];
        Assert.That(Check(Batch(Record(headerCount: 1, tail: header), 1)), Is.EqualTo(RecordBatchError.InvalidRecord));
    }

    [Test]
    public void WellFormedHeaders_AreValid()
    {
        byte[] header = [.. Varint(1), (byte)'h', .. Varint(2), 7, 8];
        Assert.That(Check(Batch(Record(headerCount: 1, tail: header), 1)), Is.EqualTo(RecordBatchError.None));
    }

    [TestCase(CompressionType.Gzip)]
    [TestCase(CompressionType.Snappy)]
    [TestCase(CompressionType.Lz4)]
    [TestCase(CompressionType.Zstd)]
    public void GarbagePayload_IsInvalidRecord(CompressionType codec)
    {
        var garbage = new byte[300];
        new Random(42).NextBytes(garbage);
        Assert.That(Check(Batch(garbage, 3, (int)codec), out string? message), Is.EqualTo(RecordBatchError.InvalidRecord));
        Assert.That(message, Is.Not.Null);
    }

    [TestCase(CompressionType.Gzip)]
    [TestCase(CompressionType.Snappy)]
    [TestCase(CompressionType.Lz4)]
    [TestCase(CompressionType.Zstd)]
    public void TruncatedPayload_IsInvalidRecord(CompressionType codec)
    {
        byte[] compressed = Compress(codec, HostileBatches.Records(20, valueBytes: 100));
        Assert.That(Check(Batch(compressed[..(compressed.Length / 2)], 20, (int)codec)), Is.EqualTo(RecordBatchError.InvalidRecord));
    }

    [TestCase(5)]
    [TestCase(6)]
    [TestCase(7)]
    public void UnknownCodecId_IsInvalidRecord(int codecId)
    {
        Assert.That(Check(Batch(HostileBatches.Records(1), 1, codecId), out string? message), Is.EqualTo(RecordBatchError.InvalidRecord));
        Assert.That(message, Does.Contain($"unknown compression type id {codecId}"));
    }

    [Test]
    public void ProducerSettingLogAppendTime_IsInvalidTimestamp()
    {
        byte[] batch = Batch(HostileBatches.Records(1), 1, flags: 0x08);
        Assert.That(Check(batch), Is.EqualTo(RecordBatchError.InvalidTimestamp));
    }

    [Test]
    public void CreateTimeOutsideTheWindow_IsInvalidTimestamp_InsideOrNone_IsValid()
    {
        var window = RecordValidationOptions.ForTopic(1 << 20, TimestampType.CreateTime, Now, timestampDifferenceMaxMs: 60_000);
        Assert.That(Check(Batch(Record(), 1, baseTimestamp: Now - 120_000), window), Is.EqualTo(RecordBatchError.InvalidTimestamp));
        Assert.That(Check(Batch(Record(), 1, baseTimestamp: Now + 120_000), window), Is.EqualTo(RecordBatchError.InvalidTimestamp));
        Assert.That(Check(Batch(Record(), 1, baseTimestamp: long.MinValue), window), Is.EqualTo(RecordBatchError.InvalidTimestamp));
        Assert.That(Check(Batch(Record(), 1, baseTimestamp: Now - 30_000), window), Is.EqualTo(RecordBatchError.None));
        Assert.That(Check(Batch(Record(), 1, baseTimestamp: -1), window), Is.EqualTo(RecordBatchError.None));
        var logAppendTime = window with { TimestampType = TimestampType.LogAppendTime };
        Assert.That(Check(Batch(Record(), 1, baseTimestamp: Now - 120_000), logAppendTime), Is.EqualTo(RecordBatchError.None));
    }

    [TestCase(CompressionType.Gzip)]
    [TestCase(CompressionType.Snappy)]
    [TestCase(CompressionType.Lz4)]
    [TestCase(CompressionType.Zstd)]
    public void DecompressionBomb_IsRecordTooLarge_WithBoundedMemory(CompressionType codec)
    {
        // 16 MiB of zeros in a few KiB; the budget is 1 MiB.
        byte[] bomb = Bomb(codec, 16 << 20);
        var options = new RecordValidationOptions(1 << 20, TimestampType.CreateTime, Now);
        RecordBatchValidator.ValidateRecords(Compressed(codec, 5), options, out _, out _); // warm the decoder up

        long before = GC.GetAllocatedBytesForCurrentThread();
        RecordBatchError error = RecordBatchValidator.ValidateRecords(bomb, options, out _, out string? message);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(error, Is.EqualTo(RecordBatchError.RecordTooLarge), message);
        Assert.That(allocated, Is.LessThan(2 << 20), $"{codec} allocated {allocated} bytes for a {bomb.Length}-byte bomb");
        TestContext.Out.WriteLine($"{codec}: bomb of {bomb.Length} bytes, {allocated} bytes allocated");
    }

    [TestCase(CompressionType.Gzip)]
    [TestCase(CompressionType.Lz4)]
    [TestCase(CompressionType.Zstd)]
    public void PayloadWithinTheBudget_IsValid(CompressionType codec)
    {
        byte[] batch = Bomb(codec, 900_000);
        var options = new RecordValidationOptions(1 << 20, TimestampType.CreateTime, Now);
        Assert.That(RecordBatchValidator.ValidateRecords(batch, options, out _, out string? message), Is.EqualTo(RecordBatchError.None), message);
    }

    [Test]
    public void SnappyBlockDeclaringMoreThanTheBudget_IsRecordTooLarge_BeforeDecoding()
    {
        byte[] batch = Batch(Snappy.CompressToArray(new byte[2 << 20]), 1, (int)CompressionType.Snappy);
        var options = new RecordValidationOptions(1 << 20, TimestampType.CreateTime, Now);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.That(RecordBatchValidator.ValidateRecords(batch, options, out _, out _), Is.EqualTo(RecordBatchError.RecordTooLarge));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(64 << 10));
    }
}
