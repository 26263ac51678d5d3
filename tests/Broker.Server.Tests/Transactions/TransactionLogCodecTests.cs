using System.Buffers.Binary;
using System.Text;
using Broker.Server.Transactions;
using Broker.Storage;

namespace Broker.Server.Tests.Transactions;

/// <summary>
/// __transaction_state records against Kafka's schema (TransactionLogKey v0, TransactionLogValue v0), byte for byte,
/// built here field by field from the schema rather than with the codec.
/// </summary>
public class TransactionLogCodecTests
{
    [Test]
    public void Key_IsVersion0AndTheId()
    {
        Assert.That(TransactionLogCodec.EncodeKey("tx"), Is.EqualTo(new byte[] { 0, 0, 0, 2, (byte)'t', (byte)'x' }));
    }

    [Test]
    public void Value_MatchesKafkasV0Layout()
    {
        var value = new TransactionLogValue(4242, 7, 60000, TransactionState.Ongoing,
            [new TopicPartition("b", 1), new TopicPartition("a", 0), new TopicPartition("a", 2)], 1_700_000_000_123, 1_700_000_000_000);

        var expected = new List<byte>();
        void I16(short v) { var b = new byte[2]; BinaryPrimitives.WriteInt16BigEndian(b, v); expected.AddRange(b); }
        void I32(int v) { var b = new byte[4]; BinaryPrimitives.WriteInt32BigEndian(b, v); expected.AddRange(b); }
        void I64(long v) { var b = new byte[8]; BinaryPrimitives.WriteInt64BigEndian(b, v); expected.AddRange(b); }
        void Str(string s) { I16((short)s.Length); expected.AddRange(Encoding.UTF8.GetBytes(s)); }
        I16(0); I64(4242); I16(7); I32(60000); expected.Add(1);
        I32(2); Str("a"); I32(2); I32(0); I32(2); Str("b"); I32(1); I32(1);
        I64(1_700_000_000_123); I64(1_700_000_000_000);

        var encoded = TransactionLogCodec.EncodeValue(value);

        Assert.That(encoded, Is.EqualTo(expected.ToArray()));
        var decoded = TransactionLogCodec.DecodeValue(encoded);
        Assert.That(decoded with { Partitions = [] }, Is.EqualTo(value with { Partitions = [] }));
        Assert.That(decoded.Partitions, Is.EquivalentTo(value.Partitions));
    }

    [Test]
    public void EmptyState_HasANullPartitionList()
    {
        var encoded = TransactionLogCodec.EncodeValue(new TransactionLogValue(1, 0, 1000, TransactionState.Empty, [], 5, -1));

        Assert.That(BinaryPrimitives.ReadInt32BigEndian(encoded.AsSpan(2 + 8 + 2 + 4 + 1)), Is.EqualTo(-1));
        Assert.That(TransactionLogCodec.DecodeValue(encoded).Partitions, Is.Empty);
    }
}
