using System.Buffers;
using Broker.Protocol;

namespace Broker.Server.Groups.Records;

/// <summary>
/// Kafka's binary formats of <c>__consumer_offsets</c> keys and values: every key and value starts with an int16
/// version, then classic (non-flexible) fields: int16-length strings (-1 = null), int32-length bytes, int32 counts.
/// Writes offset key v1, offset value v3 (v1 when an explicit expire timestamp is present), group key v2 and group
/// value v1 (the newest version Debian's Burrow 1.2.1 decodes). Reads offset values v0–v3 and group values v0–v3.
/// Stateless; thread-safe.
/// </summary>
public static class OffsetsRecordCodec
{
    public const short OffsetKeyVersion = 1;
    public const short GroupKeyVersion = 2;

    public static byte[] EncodeOffsetKey(OffsetCommitKey key) => Encode((ref KafkaWriter w) =>
    {
        w.WriteInt16(OffsetKeyVersion);
        w.WriteString(key.Group, false);
        w.WriteString(key.Topic, false);
        w.WriteInt32(key.Partition);
    });

    public static byte[] EncodeGroupKey(string group) => Encode((ref KafkaWriter w) =>
    {
        w.WriteInt16(GroupKeyVersion);
        w.WriteString(group, false);
    });

    /// <summary>Value v3, or v1 when <see cref="OffsetCommitValue.ExpireTimestamp"/> is set (as Kafka 3.6 chooses).</summary>
    public static byte[] EncodeOffsetValue(OffsetCommitValue value) => Encode((ref KafkaWriter w) =>
    {
        if (value.ExpireTimestamp >= 0)
        {
            w.WriteInt16(1);
            w.WriteInt64(value.Offset);
            w.WriteString(value.Metadata, false);
            w.WriteInt64(value.CommitTimestamp);
            w.WriteInt64(value.ExpireTimestamp);
        }
        else
        {
            w.WriteInt16(3);
            w.WriteInt64(value.Offset);
            w.WriteInt32(value.LeaderEpoch);
            w.WriteString(value.Metadata, false);
            w.WriteInt64(value.CommitTimestamp);
        }
    });

    /// <summary>Group metadata value v1 (members carry rebalance timeouts; no state timestamp, no instance ids).</summary>
    public static byte[] EncodeGroupValue(GroupMetadataRecord value) => Encode((ref KafkaWriter w) =>
    {
        w.WriteInt16(1);
        w.WriteString(value.ProtocolType, false);
        w.WriteInt32(value.Generation);
        w.WriteNullableString(value.Protocol, false);
        w.WriteNullableString(value.Leader, false);
        w.WriteInt32(value.Members.Count);
        foreach (var m in value.Members)
        {
            w.WriteString(m.MemberId, false);
            w.WriteString(m.ClientId, false);
            w.WriteString(m.ClientHost, false);
            w.WriteInt32(m.RebalanceTimeoutMs);
            w.WriteInt32(m.SessionTimeoutMs);
            w.WriteBytes(m.Subscription, false);
            w.WriteBytes(m.Assignment, false);
        }
    });

    /// <summary>Reads a key: an offset key (versions 0, 1) or a group key (version 2).</summary>
    /// <exception cref="InvalidDataException">unknown key version or truncated bytes.</exception>
    public static OffsetsRecordKey DecodeKey(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            var r = new KafkaReader(bytes);
            short version = r.ReadInt16();
            switch (version)
            {
                case 0 or 1:
                    string group = r.ReadString(false);
                    string topic = r.ReadString(false);
                    return new OffsetsRecordKey(group, new OffsetCommitKey(group, topic, r.ReadInt32()));
                case 2:
                    return new OffsetsRecordKey(r.ReadString(false), null);
                default:
                    throw new InvalidDataException($"unknown __consumer_offsets key version {version}");
            }
        }
        catch (ProtocolException e)
        {
            throw new InvalidDataException("truncated __consumer_offsets key", e);
        }
    }

    /// <exception cref="InvalidDataException">unknown version or truncated bytes.</exception>
    public static OffsetCommitValue DecodeOffsetValue(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            var r = new KafkaReader(bytes);
            short version = r.ReadInt16();
            switch (version)
            {
                case 0 or 2:
                    return new OffsetCommitValue(r.ReadInt64(), -1, r.ReadString(false), r.ReadInt64());
                case 1:
                    return new OffsetCommitValue(r.ReadInt64(), -1, r.ReadString(false), r.ReadInt64(), r.ReadInt64());
                case 3:
                    return new OffsetCommitValue(r.ReadInt64(), r.ReadInt32(), r.ReadString(false), r.ReadInt64());
                default:
                    throw new InvalidDataException($"unknown offset commit value version {version}");
            }
        }
        catch (ProtocolException e)
        {
            throw new InvalidDataException("truncated offset commit value", e);
        }
    }

    /// <exception cref="InvalidDataException">unknown version or truncated bytes.</exception>
    public static GroupMetadataRecord DecodeGroupValue(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            var r = new KafkaReader(bytes);
            short version = r.ReadInt16();
            if (version is < 0 or > 3) throw new InvalidDataException($"unknown group metadata value version {version}");
            string protocolType = r.ReadString(false);
            int generation = r.ReadInt32();
            string? protocol = r.ReadNullableString(false);
            string? leader = r.ReadNullableString(false);
            long stateTimestamp = version >= 2 ? r.ReadInt64() : -1;
            int count = r.ReadInt32();
            var members = new List<GroupMemberRecord>(Math.Max(0, count));
            for (int i = 0; i < count; i++)
            {
                string memberId = r.ReadString(false);
                string? instanceId = version >= 3 ? r.ReadNullableString(false) : null;
                string clientId = r.ReadString(false);
                string clientHost = r.ReadString(false);
                int rebalanceTimeout = version >= 1 ? r.ReadInt32() : -1;
                int sessionTimeout = r.ReadInt32();
                if (version == 0) rebalanceTimeout = sessionTimeout;
                byte[] subscription = r.ReadBytes(false).ToArray();
                byte[] assignment = r.ReadBytes(false).ToArray();
                members.Add(new GroupMemberRecord(memberId, instanceId, clientId, clientHost, rebalanceTimeout, sessionTimeout, subscription, assignment));
            }

            return new GroupMetadataRecord(protocolType, generation, protocol, leader, stateTimestamp, members);
        }
        catch (ProtocolException e)
        {
            throw new InvalidDataException("truncated group metadata value", e);
        }
    }

    private delegate void WriteAction(ref KafkaWriter writer);

    private static byte[] Encode(WriteAction write)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        var writer = new KafkaWriter(buffer);
        write(ref writer);
        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>A decoded key: the group it belongs to, and the partition when it is an offset commit key (else a group key).</summary>
public readonly record struct OffsetsRecordKey(string Group, OffsetCommitKey? Offset)
{
    public bool IsGroupKey => Offset is null;
}
