using System.Text;
using Broker.Protocol.Records;

namespace Broker.Storage.Tests.Records;

public class RecordBatchBuilderTests
{
    [Test]
    public void Build_RoundTripsThroughHeaderAndReader()
    {
        var builder = new RecordBatchBuilder(defaultTimestamp: 1000) { ProducerId = 42, ProducerEpoch = 3, BaseSequence = 9 };
        builder.Add("a", "one", 1000)
            .Add(null, null, 995)
            .Add(Encoding.UTF8.GetBytes("c"), Encoding.UTF8.GetBytes("three"), 1010, [new RecordHeader("h1", [1, 2]), new RecordHeader("h2", null)]);

        byte[] batch = builder.Build();
        RecordBatchHeader header = RecordBatchHeader.Read(batch);

        Assert.That(header.TotalSize, Is.EqualTo(batch.Length));
        Assert.That(header.Magic, Is.EqualTo(2));
        Assert.That(header.RecordsCount, Is.EqualTo(3));
        Assert.That(header.LastOffsetDelta, Is.EqualTo(2));
        Assert.That(header.BaseTimestamp, Is.EqualTo(1000));
        Assert.That(header.MaxTimestamp, Is.EqualTo(1010));
        Assert.That(header.ProducerId, Is.EqualTo(42));
        Assert.That(header.ProducerEpoch, Is.EqualTo(3));
        Assert.That(header.BaseSequence, Is.EqualTo(9));
        Assert.That(header.Compression, Is.EqualTo(CompressionType.None));
        Assert.That(RecordBatchValidator.Validate(batch, 1 << 20, out _), Is.True);

        var reader = new RecordReader(batch);
        Assert.That(reader.TryReadNext(out RecordView r0), Is.True);
        Assert.That((r0.Offset, r0.Timestamp, r0.KeyAsString(), r0.ValueAsString()), Is.EqualTo((0L, 1000L, "a", "one")));
        Assert.That(reader.TryReadNext(out RecordView r1), Is.True);
        Assert.That((r1.Offset, r1.Timestamp, r1.KeyIsNull, r1.ValueIsNull), Is.EqualTo((1L, 995L, true, true)));
        Assert.That(reader.TryReadNext(out RecordView r2), Is.True);
        Assert.That(r2.ValueAsString(), Is.EqualTo("three"));
        RecordHeader[] headers = r2.ReadHeaders();
        Assert.That(headers, Has.Length.EqualTo(2));
        Assert.That(headers[0].Key, Is.EqualTo("h1"));
        Assert.That(headers[0].Value, Is.EqualTo(new byte[] { 1, 2 }));
        Assert.That(headers[1].Value, Is.Null);
        Assert.That(reader.TryReadNext(out _), Is.False);
    }

    [Test]
    public void Build_WithoutRecords_Throws()
    {
        Assert.That(() => new RecordBatchBuilder().Build(), Throws.InvalidOperationException);
    }

    [TestCase(0)]
    [TestCase(-1)]
    [TestCase(63)]
    [TestCase(-64)]
    [TestCase(int.MaxValue)]
    [TestCase(int.MinValue)]
    public void Varint_RoundTrips(int value)
    {
        Span<byte> buffer = stackalloc byte[RecordVarint.MaxVarintBytes];
        int written = RecordVarint.WriteVarint(buffer, value);

        Assert.That(written, Is.EqualTo(RecordVarint.SizeOfVarint(value)));
        Assert.That(RecordVarint.TryReadVarint(buffer[..written], out int read, out int consumed), Is.True);
        Assert.That((read, consumed), Is.EqualTo((value, written)));
    }

    [Test]
    public void Varint_ZigZagEncoding_MatchesProtobuf()
    {
        Span<byte> buffer = stackalloc byte[RecordVarint.MaxVarlongBytes];
        Assert.That(RecordVarint.WriteVarint(buffer, -1), Is.EqualTo(1));
        Assert.That(buffer[0], Is.EqualTo(1));
        Assert.That(RecordVarint.WriteVarlong(buffer, 150), Is.EqualTo(2));
        Assert.That(buffer[..2].ToArray(), Is.EqualTo(new byte[] { 0xAC, 0x02 }));
    }
}
