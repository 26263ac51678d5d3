using Broker.ZooKeeper.Protocol;

namespace Broker.ZooKeeper.Tests.Protocol;

public sealed class JuteCodecTests
{
    [Test]
    public void WriterAndReader_RoundTripPrimitives_BigEndianWithLengthPrefix()
    {
        var writer = new JuteWriter(4);
        writer.WriteInt(-2);
        writer.WriteLong(0x0102030405060708);
        writer.WriteBool(true);
        writer.WriteString("zé");
        writer.WriteString(null);
        writer.WriteBuffer([9, 8]);
        writer.WriteStringVector(["a", "bc"]);
        var (buffer, length) = writer.Complete();

        var reader = new JuteReader(buffer.AsSpan(4, length - 4));
        Assert.Multiple(() =>
        {
            Assert.That(buffer.AsSpan(0, 4).ToArray(), Is.EqualTo(new byte[] { 0, 0, 0, (byte)(length - 4) }));
            Assert.That(buffer.AsSpan(8, 8).ToArray(), Is.EqualTo(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }));
        });
        Assert.That(reader.ReadInt(), Is.EqualTo(-2));
        Assert.That(reader.ReadLong(), Is.EqualTo(0x0102030405060708));
        Assert.That(reader.ReadBool(), Is.True);
        Assert.That(reader.ReadString(), Is.EqualTo("zé"));
        Assert.That(reader.ReadString(), Is.Null);
        Assert.That(reader.ReadBuffer(), Is.EqualTo(new byte[] { 9, 8 }));
        Assert.That(reader.ReadStringVector(), Is.EqualTo(new[] { "a", "bc" }));
        Assert.That(reader.Remaining, Is.Zero);
    }

    [Test]
    public void Reader_TruncatedFrame_ThrowsInvalidData()
    {
        var threw = false;
        try
        {
            var reader = new JuteReader([0, 0, 0, 5, 1]);
            reader.ReadString();
        }
        catch (InvalidDataException)
        {
            threw = true;
        }

        Assert.That(threw, Is.True);
    }

    [Test]
    public void ConnectRequest_HasProtocolFieldsInJuteOrder()
    {
        var (buffer, length) = ConnectHandshake.WriteRequest(lastZxidSeen: 7, timeoutMs: 4000, sessionId: 0x10, password: new byte[16]);

        var reader = new JuteReader(buffer.AsSpan(4, length - 4));
        Assert.That(reader.ReadInt(), Is.Zero, "protocol version");
        Assert.That(reader.ReadLong(), Is.EqualTo(7));
        Assert.That(reader.ReadInt(), Is.EqualTo(4000));
        Assert.That(reader.ReadLong(), Is.EqualTo(0x10));
        Assert.That(reader.ReadBuffer(), Has.Length.EqualTo(16));
        Assert.That(reader.ReadBool(), Is.False, "read-only");
        Assert.That(reader.Remaining, Is.Zero);
    }
}
