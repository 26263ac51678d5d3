using System.Buffers.Binary;
using Broker.Protocol.Records;

namespace Broker.Storage.Tests.Records;

public class RecordBatchValidatorTests
{
    [Test]
    public void Validate_ConcatenatedValidBatches_ReportsCounts()
    {
        byte[] data = RecordBatchBuilder.Concat(Batches.Make(3, timestamp: 100), Batches.Make(2, timestamp: 500));

        bool ok = RecordBatchValidator.Validate(data, 1 << 20, out RecordBatchValidationResult result);

        Assert.That(ok, Is.True);
        Assert.That(result.BatchCount, Is.EqualTo(2));
        Assert.That(result.RecordCount, Is.EqualTo(5));
        Assert.That(result.MaxTimestamp, Is.EqualTo(501));
        Assert.That(result.ValidBytes, Is.EqualTo(data.Length));
    }

    [Test]
    public void Validate_FlippedPayloadBit_IsCorrupt()
    {
        byte[] data = Batches.Make(3);
        data[^2] ^= 0x01;

        Assert.That(RecordBatchValidator.Validate(data, 1 << 20, out var result), Is.False);
        Assert.That(result.Error, Is.EqualTo(RecordBatchError.CorruptMessage));
    }

    [Test]
    public void Validate_ChangedBaseOffsetAndEpoch_StillValid()
    {
        byte[] data = Batches.Make(3);
        RecordBatch.SetBaseOffset(data, 12345);
        RecordBatch.SetPartitionLeaderEpoch(data, 7);

        Assert.That(RecordBatchValidator.Validate(data, 1 << 20, out _), Is.True);
        RecordBatchHeader header = RecordBatchHeader.Read(data);
        Assert.That(header.BaseOffset, Is.EqualTo(12345));
        Assert.That(header.PartitionLeaderEpoch, Is.EqualTo(7));
        Assert.That(header.LastOffset, Is.EqualTo(12347));
    }

    [TestCase((byte)0)]
    [TestCase((byte)1)]
    [TestCase((byte)3)]
    public void Validate_OtherMagic_IsUnsupported(byte magic)
    {
        byte[] data = Batches.Make();
        data[16] = magic;

        RecordBatchValidator.Validate(data, 1 << 20, out var result);

        Assert.That(result.Error, Is.EqualTo(RecordBatchError.UnsupportedMagic));
    }

    [TestCase(0)]
    [TestCase(10)]
    [TestCase(int.MaxValue)]
    [TestCase(-5)]
    public void Validate_ImpossibleBatchLength_IsCorrupt(int batchLength)
    {
        byte[] data = Batches.Make();
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(8), batchLength);

        RecordBatchValidator.Validate(data, int.MaxValue, out var result);

        Assert.That(result.Error, Is.EqualTo(RecordBatchError.CorruptMessage));
    }

    [Test]
    public void Validate_TruncatedBatch_IsCorruptAndValidPrefixReported()
    {
        byte[] first = Batches.Make(2);
        byte[] data = RecordBatchBuilder.Concat(first, Batches.Make(2));

        RecordBatchValidator.Validate(data.AsSpan(0, data.Length - 5), 1 << 20, out var result);

        Assert.That(result.Error, Is.EqualTo(RecordBatchError.CorruptMessage));
        Assert.That(result.BatchCount, Is.EqualTo(1));
        Assert.That(result.ValidBytes, Is.EqualTo(first.Length));
    }

    [Test]
    public void Validate_TrailingGarbageShorterThanHeader_IsCorrupt()
    {
        byte[] data = RecordBatchBuilder.Concat(Batches.Make(), new byte[7]);

        Assert.That(RecordBatchValidator.Validate(data, 1 << 20, out var result), Is.False);
        Assert.That(result.Error, Is.EqualTo(RecordBatchError.CorruptMessage));
    }

    [Test]
    public void Validate_Empty_IsCorrupt()
    {
        Assert.That(RecordBatchValidator.Validate([], 1 << 20, out var result), Is.False);
        Assert.That(result.Error, Is.EqualTo(RecordBatchError.CorruptMessage));
    }

    [Test]
    public void Validate_LargerThanMax_IsRecordTooLarge()
    {
        byte[] data = Batches.Make(10, valueBytes: 100);

        RecordBatchValidator.Validate(data, data.Length - 1, out var result);

        Assert.That(result.Error, Is.EqualTo(RecordBatchError.RecordTooLarge));
        Assert.That(RecordBatchValidator.Validate(data, data.Length, out _), Is.True);
    }

    [Test]
    public void Validate_RecordCountDisagreesWithLastOffsetDelta_IsInvalidRecord()
    {
        byte[] data = Batches.Make(3);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(57), 2);
        RecordBatch.WriteCrc(data);

        RecordBatchValidator.Validate(data, 1 << 20, out var result);

        Assert.That(result.Error, Is.EqualTo(RecordBatchError.InvalidRecord));
    }

    [Test]
    public void SetLogAppendTime_SetsFlagAndTimestamp_KeepsCrcValid()
    {
        byte[] data = Batches.Make(2, timestamp: 10);

        RecordBatch.SetLogAppendTime(data, 999);

        RecordBatchHeader header = RecordBatchHeader.Read(data);
        Assert.That(header.TimestampType, Is.EqualTo(TimestampType.LogAppendTime));
        Assert.That(header.MaxTimestamp, Is.EqualTo(999));
        Assert.That(RecordBatchValidator.Validate(data, 1 << 20, out _), Is.True);
    }
}
