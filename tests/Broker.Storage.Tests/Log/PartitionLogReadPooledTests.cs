using System.Buffers;
using Broker.Storage.Log;

namespace Broker.Storage.Tests.Log;

public sealed class PartitionLogReadPooledTests : PartitionLogTestBase
{
    [Test]
    public void ReadPooled_ReturnsTheSameBatchesAsRead_InARentedArray()
    {
        PartitionLog log = Open();
        AppendRecords(log, records: 3);
        AppendRecords(log, records: 2, valueBytes: 100);

        LogReadResult plain = log.Read(1, 1 << 20);
        LogReadResult pooled = log.ReadPooled(1, 1 << 20);

        Assert.That(pooled.RentedArray, Is.Not.Null);
        Assert.That(pooled.Records.Span.SequenceEqual(plain.Records.Span), Is.True);
        Assert.That(pooled.Records.Span.SequenceEqual(pooled.RentedArray.AsSpan(0, pooled.Records.Length)), Is.True, "records start at index 0");
        Assert.That((pooled.LogStartOffset, pooled.LogEndOffset), Is.EqualTo((plain.LogStartOffset, plain.LogEndOffset)));
        Assert.That(plain.RentedArray, Is.Null, "Read allocates; nothing to return");
        ArrayPool<byte>.Shared.Return(pooled.RentedArray!);
    }

    [Test]
    public void ReadPooled_BudgetEndsMidBatch_ReturnsOnlyWholeBatches()
    {
        PartitionLog log = Open();
        AppendRecords(log, records: 1, valueBytes: 50);
        AppendRecords(log, records: 1, valueBytes: 50);
        int first = log.Read(0, 1 << 20).Records.Length / 2;

        LogReadResult pooled = log.ReadPooled(0, first + 10);

        Assert.That(pooled.Records.Length, Is.EqualTo(first));
        ArrayPool<byte>.Shared.Return(pooled.RentedArray!);
    }

    [Test]
    public void ReadPooled_CaughtUpOrOutOfRange_RentsNothing()
    {
        PartitionLog log = Open();
        AppendRecords(log, records: 2);

        Assert.That(log.ReadPooled(2, 1000).RentedArray, Is.Null);
        Assert.That(log.ReadPooled(5, 1000).OffsetOutOfRange, Is.True);
        Assert.That(log.ReadPooled(5, 1000).RentedArray, Is.Null);
    }
}
