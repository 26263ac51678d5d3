using Broker.Protocol.Tests.TestSupport;

namespace Broker.Protocol.Tests.Primitives;

public sealed class KafkaReaderTests
{
    [TestCase("00", 0u)]
    [TestCase("01", 1u)]
    [TestCase("7f", 127u)]
    [TestCase("8001", 128u)]
    [TestCase("ff7f", 16383u)]
    [TestCase("808001", 16384u)]
    [TestCase("ffffffff0f", uint.MaxValue)]
    public void ReadUnsignedVarInt_KnownEncodings_Decode(string hex, uint expected)
    {
        var reader = new KafkaReader(Bytes.Hex(hex));
        Assert.That(reader.ReadUnsignedVarInt(), Is.EqualTo(expected));
        Assert.That(reader.Remaining, Is.Zero);
    }

    [TestCase("ffffffff1f")]
    [TestCase("ffffffffff01")]
    [TestCase("80")]
    public void ReadUnsignedVarInt_OverlongOrTruncated_Throws(string hex)
    {
        Assert.Throws<ProtocolException>(() =>
        {
            var reader = new KafkaReader(Bytes.Hex(hex));
            reader.ReadUnsignedVarInt();
        });
    }

    [TestCase("00", 0)]
    [TestCase("01", -1)]
    [TestCase("02", 1)]
    [TestCase("03", -2)]
    [TestCase("feffffff0f", int.MaxValue)]
    [TestCase("ffffffff0f", int.MinValue)]
    public void ReadVarInt_ZigZag_Decodes(string hex, int expected)
    {
        var reader = new KafkaReader(Bytes.Hex(hex));
        Assert.That(reader.ReadVarInt(), Is.EqualTo(expected));
    }

    [TestCase("01", -1L)]
    [TestCase("feffffffffffffffff01", long.MaxValue)]
    [TestCase("ffffffffffffffffff01", long.MinValue)]
    public void ReadVarLong_ZigZag_Decodes(string hex, long expected)
    {
        var reader = new KafkaReader(Bytes.Hex(hex));
        Assert.That(reader.ReadVarLong(), Is.EqualTo(expected));
    }

    [Test]
    public void ReadVarLong_ElevenBytes_Throws()
    {
        Assert.Throws<ProtocolException>(() =>
        {
            var reader = new KafkaReader(Bytes.Hex("ffffffffffffffffffff01"));
            reader.ReadVarLong();
        });
    }

    [Test]
    public void ReadStrings_ClassicAndCompactAndNull_Decode()
    {
        var reader = new KafkaReader(Bytes.Hex("0002 6869 ffff 03 6869 00 01"));
        Assert.That(reader.ReadString(compact: false), Is.EqualTo("hi"));
        Assert.That(reader.ReadNullableString(compact: false), Is.Null);
        Assert.That(reader.ReadString(compact: true), Is.EqualTo("hi"));
        Assert.That(reader.ReadNullableString(compact: true), Is.Null);
        Assert.That(reader.ReadString(compact: true), Is.EqualTo(string.Empty));
    }

    [Test]
    public void ReadString_NullWhereNotNullable_Throws()
    {
        Assert.Throws<ProtocolException>(() =>
        {
            var reader = new KafkaReader(Bytes.Hex("ffff"));
            reader.ReadString(compact: false);
        });
    }

    [Test]
    public void ReadBytes_ReturnsSliceOfFrame()
    {
        var frame = Bytes.Hex("00000003 010203 ff");
        var reader = new KafkaReader(frame);
        var bytes = reader.ReadBytes(compact: false);
        frame[4] = 9;
        Assert.That(bytes.ToArray(), Is.EqualTo(new byte[] { 9, 2, 3 }));
        Assert.That(reader.Remaining, Is.EqualTo(1));
    }

    [Test]
    public void ReadRecords_NullAndPresent_Decode()
    {
        var reader = new KafkaReader(Bytes.Hex("ffffffff 03 aabb"));
        Assert.That(reader.ReadRecords(compact: false), Is.Null);
        var records = reader.ReadRecords(compact: true);
        Assert.That(records!.Length, Is.EqualTo(2));
        Assert.That(records.Memory.ToArray(), Is.EqualTo(new byte[] { 0xaa, 0xbb }));
    }

    [Test]
    public void ReadArrayLength_NullCompactAndClassic_ReturnMinusOne()
    {
        var reader = new KafkaReader(Bytes.Hex("ffffffff 00"));
        Assert.That(reader.ReadArrayLength(compact: false), Is.EqualTo(-1));
        Assert.That(reader.ReadArrayLength(compact: true), Is.EqualTo(-1));
    }

    [Test]
    public void ReadArrayLength_HugeCountOnTinyBuffer_ThrowsWithoutAllocating()
    {
        var frame = Bytes.Hex("7fffffff 00000000");
        var before = GC.GetAllocatedBytesForCurrentThread();
        var thrown = false;
        try
        {
            var reader = new KafkaReader(frame);
            reader.ReadArrayLength(compact: false);
        }
        catch (ProtocolException)
        {
            thrown = true;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(thrown, Is.True);
        Assert.That(allocated, Is.LessThan(64 * 1024));
    }

    [Test]
    public void ReadMessage_HugeArrayCount_ThrowsWithoutAllocating()
    {
        // MetadataRequest v1: topics count int.MaxValue followed by nothing.
        var frame = Bytes.Hex("7fffffff");
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<ProtocolException>(() =>
        {
            var reader = new KafkaReader(frame);
            Messages.MetadataRequest.Read(ref reader, 1);
        });
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(256 * 1024));
    }

    [TestCase("7fff")]
    [TestCase("fffe")]
    public void ReadString_HostileLength_Throws(string hex)
    {
        Assert.Throws<ProtocolException>(() =>
        {
            var reader = new KafkaReader(Bytes.Hex(hex + "41"));
            reader.ReadString(compact: false);
        });
    }

    [Test]
    public void ReadNullableBytes_HostileCompactLength_Throws()
    {
        Assert.Throws<ProtocolException>(() =>
        {
            var reader = new KafkaReader(Bytes.Hex("ffffffff07 00"));
            reader.ReadNullableBytes(compact: true);
        });
    }

    [Test]
    public void ReadTaggedFieldCount_MoreThanFits_Throws()
    {
        Assert.Throws<ProtocolException>(() =>
        {
            var reader = new KafkaReader(Bytes.Hex("05 0000"));
            reader.ReadTaggedFieldCount();
        });
    }

    [Test]
    public void SkipTaggedFields_SkipsEveryField()
    {
        var reader = new KafkaReader(Bytes.Hex("02 00 02 aabb 05 01 cc 7f"));
        reader.SkipTaggedFields();
        Assert.That(reader.ReadInt8(), Is.EqualTo(0x7f));
    }

    [Test]
    public void ReadFixedWidth_BigEndian()
    {
        var reader = new KafkaReader(Bytes.Hex("ff 0102 01020304 0102030405060708 fffe 3ff0000000000000 02"));
        Assert.That(reader.ReadInt8(), Is.EqualTo(-1));
        Assert.That(reader.ReadInt16(), Is.EqualTo(0x0102));
        Assert.That(reader.ReadInt32(), Is.EqualTo(0x01020304));
        Assert.That(reader.ReadInt64(), Is.EqualTo(0x0102030405060708));
        Assert.That(reader.ReadUInt16(), Is.EqualTo(0xfffe));
        Assert.That(reader.ReadFloat64(), Is.EqualTo(1.0));
        Assert.That(reader.ReadBool(), Is.True);
        Assert.That(reader.Position, Is.EqualTo(26));
    }
}
