using Broker.Protocol.Records;
using Broker.Storage.Producers;

namespace Broker.Storage.Tests.Producers;

/// <summary>The records CRC derived from a batch header equals the CRC-32C computed over the records bytes.</summary>
public class RecordsFingerprintTests
{
    [TestCase(1, 1)]
    [TestCase(3, 10)]
    [TestCase(50, 300)]
    [TestCase(200, 5000)]
    public void Of_EqualsCrcOfRecordsSection(int count, int valueBytes)
    {
        byte[] batch = Batches.Make(count, valueBytes: valueBytes);

        uint derived = RecordsFingerprint.Of(RecordBatchHeader.Read(batch));

        Assert.That(derived, Is.EqualTo(Crc32C.Compute(batch.AsSpan(RecordBatchHeader.Size))));
    }

    [Test]
    public void Of_IgnoresHeaderTimestampsAndLogAppendTimeStamp()
    {
        byte[] original = Batches.Idempotent(5, 0, 0, 3, timestamp: 1_700_000_000_000);
        byte[] reencoded = Batches.Idempotent(5, 0, 0, 3, timestamp: 1_700_000_000_777);
        byte[] stamped = original.ToArray();
        RecordBatch.SetLogAppendTime(stamped, 1_800_000_000_000);

        uint expected = RecordsFingerprint.Of(RecordBatchHeader.Read(original));

        Assert.That(RecordBatchHeader.Read(reencoded).Crc, Is.Not.EqualTo(RecordBatchHeader.Read(original).Crc));
        Assert.That(RecordsFingerprint.Of(RecordBatchHeader.Read(reencoded)), Is.EqualTo(expected));
        Assert.That(RecordsFingerprint.Of(RecordBatchHeader.Read(stamped)), Is.EqualTo(expected));
        Assert.That(RecordsFingerprint.Of(RecordBatchHeader.Read(Batches.Idempotent(5, 0, 0, 3, prefix: "w"))), Is.Not.EqualTo(expected));
    }
}
