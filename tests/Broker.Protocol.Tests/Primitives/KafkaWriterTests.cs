using Broker.Protocol.Tests.TestSupport;

namespace Broker.Protocol.Tests.Primitives;

public sealed class KafkaWriterTests
{
    [TestCase(0u, "00")]
    [TestCase(127u, "7f")]
    [TestCase(128u, "8001")]
    [TestCase(16384u, "808001")]
    [TestCase(uint.MaxValue, "ffffffff0f")]
    public void WriteUnsignedVarInt_KnownEncodings(uint value, string hex)
    {
        Assert.That(Bytes.Write((ref KafkaWriter w) => w.WriteUnsignedVarInt(value)), Is.EqualTo(Bytes.Hex(hex)));
    }

    [TestCase(0)]
    [TestCase(-1)]
    [TestCase(1)]
    [TestCase(63)]
    [TestCase(-64)]
    [TestCase(64)]
    [TestCase(int.MaxValue)]
    [TestCase(int.MinValue)]
    public void VarInt_RoundTrips(int value)
    {
        var bytes = Bytes.Write((ref KafkaWriter w) => w.WriteVarInt(value));
        var reader = new KafkaReader(bytes);
        Assert.That(reader.ReadVarInt(), Is.EqualTo(value));
        Assert.That(reader.Remaining, Is.Zero);
    }

    [TestCase(0L)]
    [TestCase(-1L)]
    [TestCase(long.MaxValue)]
    [TestCase(long.MinValue)]
    [TestCase(1L << 35)]
    public void VarLong_RoundTrips(long value)
    {
        var bytes = Bytes.Write((ref KafkaWriter w) => w.WriteVarLong(value));
        var reader = new KafkaReader(bytes);
        Assert.That(reader.ReadVarLong(), Is.EqualTo(value));
        Assert.That(reader.Remaining, Is.Zero);
    }

    [Test]
    public void WriteStrings_ClassicCompactAndNull()
    {
        var bytes = Bytes.Write((ref KafkaWriter w) =>
        {
            w.WriteString("hi", compact: false);
            w.WriteNullableString(null, compact: false);
            w.WriteString("hi", compact: true);
            w.WriteNullableString(null, compact: true);
            w.WriteString(null, compact: true);
        });
        Assert.That(bytes, Is.EqualTo(Bytes.Hex("0002 6869 ffff 03 6869 00 01")));
    }

    [Test]
    public void WriteBytesAndRecords_ClassicAndCompact()
    {
        var bytes = Bytes.Write((ref KafkaWriter w) =>
        {
            w.WriteBytes(new byte[] { 1, 2 }, compact: false);
            w.WriteNullableBytes(null, compact: false);
            w.WriteRecords(new RecordSet(new byte[] { 0xaa }), compact: true);
            w.WriteRecords(null, compact: true);
        });
        Assert.That(bytes, Is.EqualTo(Bytes.Hex("00000002 0102 ffffffff 02 aa 00")));
    }

    [Test]
    public void WriteArrayLengthAndTaggedFields()
    {
        var bytes = Bytes.Write((ref KafkaWriter w) =>
        {
            w.WriteArrayLength(-1, compact: false);
            w.WriteArrayLength(-1, compact: true);
            w.WriteArrayLength(2, compact: true);
            w.WriteEmptyTaggedFields();
            w.WriteTaggedField(3, new byte[] { 0x10, 0x20 });
        });
        Assert.That(bytes, Is.EqualTo(Bytes.Hex("ffffffff 00 03 00 03 02 1020")));
    }

    [Test]
    public void WriteUuid_BigEndianHalves()
    {
        var bytes = Bytes.Write((ref KafkaWriter w) => w.WriteUuid(new KafkaUuid(0x0102030405060708, -1)));
        Assert.That(bytes, Is.EqualTo(Bytes.Hex("0102030405060708 ffffffffffffffff")));
    }

    [Test]
    public void WriteString_ClassicLongerThanInt16_Throws()
    {
        var text = new string('a', short.MaxValue + 1);
        Assert.Throws<ProtocolException>(() => Bytes.Write((ref KafkaWriter w) => w.WriteString(text, compact: false)));
    }
}
