using Broker.Protocol.Records;
using Broker.Storage.Log;

namespace Broker.Storage.Tests.Log;

/// <summary>
/// Issue 12 (cost of validation): the produce path computes each batch's CRC-32C once. Its validator checks the CRC
/// before the partition lock; the log then appends with <c>crcVerified</c> and runs only the framing, size and count
/// checks. Every other caller keeps the full check by default.
/// </summary>
public sealed class PartitionLogCrcOnceTests : PartitionLogTestBase
{
    private static byte[] WithBadCrc()
    {
        byte[] batch = Batches.Make(2);
        batch[^1] ^= 0xFF; // a record byte: covered by the CRC, not by the framing checks
        return batch;
    }

    [Test]
    public void Append_ByDefault_ChecksTheCrc()
    {
        PartitionLog log = Open();
        Assert.That(log.Append(WithBadCrc()).Error, Is.EqualTo(RecordBatchError.CorruptMessage));
        Assert.That(log.LogEndOffset, Is.EqualTo(0));
    }

    [Test]
    public void Append_CrcVerifiedByTheCaller_DoesNotComputeItAgain()
    {
        // A batch whose CRC the caller vouches for is not re-checked: proof that the second pass is gone. (The produce
        // handler only vouches after its own check; Produce_WithBadCrc_GetsCorruptMessage_AndAppendsNothing pins that.)
        PartitionLog log = Open();
        LogAppendResult result = log.Append(WithBadCrc(), leaderEpoch: 0, crcVerified: true);
        Assert.That(result.IsSuccess, Is.True, result.Error.ToString());
        Assert.That(log.LogEndOffset, Is.EqualTo(2));
    }

    [Test]
    public void Append_CrcVerified_StillRefusesBadFraming()
    {
        PartitionLog log = Open();
        byte[] batch = Batches.Make(2);
        Assert.That(log.Append(batch.AsSpan(0, batch.Length - 3), 0, crcVerified: true).Error, Is.EqualTo(RecordBatchError.CorruptMessage), "truncated");
        byte[] twoBatches = RecordBatchBuilder.Concat(Batches.Make(1), Batches.Make(1));
        twoBatches[^1] ^= 0xFF;
        Assert.That(log.Append(twoBatches, 0, crcVerified: false).Error, Is.EqualTo(RecordBatchError.CorruptMessage));
        Assert.That(log.LogEndOffset, Is.EqualTo(0));
    }
}
