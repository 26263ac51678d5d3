using Broker.Protocol.Messages;
using Broker.Protocol.Tests.TestSupport;

namespace Broker.Protocol.Tests.Generated;

/// <summary>
/// Byte vectors of the controller-to-broker requests (LeaderAndIsr, UpdateMetadata, StopReplica), written by hand from
/// the protocol guide's layouts and checked in both directions.
/// </summary>
public sealed class ControllerRequestKnownAnswerTests
{
    private static LeaderAndIsrRequest.LeaderAndIsrPartitionState PartitionState(string topicName = "") => new()
    {
        TopicName = topicName, PartitionIndex = 0, ControllerEpoch = 3, Leader = 1, LeaderEpoch = 5,
        Isr = [1, 2], PartitionEpoch = 7, Replicas = [1, 2], IsNew = true,
    };

    [Test]
    public void LeaderAndIsrRequest_V2_GroupedByTopicWithBrokerEpoch()
    {
        var request = new LeaderAndIsrRequest
        {
            ControllerId = 1, ControllerEpoch = 3, BrokerEpoch = 0x10, Type = 1,
            TopicStates = [new() { TopicName = "t", PartitionStates = [PartitionState()] }],
            LiveLeaders = [new() { BrokerId = 1, HostName = "h", Port = 9092 }],
        };
        var expected = Bytes.Hex(
            "00000001 00000003 0000000000000010" // controller id, controller epoch, broker epoch (no type before v5)
            + "00000001 0001 74" // one topic "t"
            + "00000001 00000000 00000003 00000001 00000005" // one partition: index, controller epoch, leader, leader epoch
            + "00000002 00000001 00000002 00000007 00000002 00000001 00000002 01" // isr, partition epoch, replicas, is_new
            + "00000001 00000001 0001 68 00002384"); // live leaders: 1 at h:9092
        Assert.That(Bytes.ToHex(Bytes.Write(request, 2)), Is.EqualTo(Bytes.ToHex(expected)));

        var reader = new KafkaReader(expected);
        var read = LeaderAndIsrRequest.Read(ref reader, 2);
        Assert.That(reader.Remaining, Is.Zero);
        var p = read.TopicStates.Single().PartitionStates.Single();
        Assert.That((read.BrokerEpoch, read.Type, p.Leader, p.LeaderEpoch, p.PartitionEpoch, p.IsNew), Is.EqualTo((0x10L, (sbyte)0, 1, 5, 7, true)));
        Assert.That(p.Isr, Is.EqualTo(new[] { 1, 2 }));
    }

    [Test]
    public void LeaderAndIsrRequest_V6_FlexibleWithTopicIdTypeAndRecoveryState()
    {
        var id = new KafkaUuid(0x0102030405060708, 0x090a0b0c0d0e0f10);
        var state = PartitionState();
        state.IsNew = false;
        state.LeaderRecoveryState = 1;
        var request = new LeaderAndIsrRequest
        {
            ControllerId = 1, ControllerEpoch = 3, BrokerEpoch = 0x10, Type = 1,
            TopicStates = [new() { TopicName = "t", TopicId = id, PartitionStates = [state] }],
            LiveLeaders = [new() { BrokerId = 1, HostName = "h", Port = 9092 }],
        };
        var expected = Bytes.Hex(
            "00000001 00000003 0000000000000010 01" // ..., type 1 (full)
            + "02 0274 0102030405060708090a0b0c0d0e0f10" // compact array of 1 topic, compact "t", topic id
            + "02 00000000 00000003 00000001 00000005 03 00000001 00000002 00000007 03 00000001 00000002"
            + "01 01 00 01 00" // adding [], removing [], is_new false, leader recovery state 1, no tags
            + "00" // topic: no tags
            + "02 00000001 0268 00002384 00" // live leaders
            + "00"); // request: no tags
        Assert.That(Bytes.ToHex(Bytes.Write(request, 6)), Is.EqualTo(Bytes.ToHex(expected)));

        var reader = new KafkaReader(expected);
        var read = LeaderAndIsrRequest.Read(ref reader, 6);
        Assert.That(reader.Remaining, Is.Zero);
        Assert.That((read.Type, read.TopicStates[0].TopicId, read.TopicStates[0].PartitionStates[0].LeaderRecoveryState), Is.EqualTo(((sbyte)1, id, (sbyte)1)));
    }

    [Test]
    public void LeaderAndIsrResponse_V4AndV5_ByTopicNameThenByTopicId()
    {
        var id = new KafkaUuid(1, 2);
        var v4 = new LeaderAndIsrResponse { PartitionErrors = [new() { TopicName = "t", PartitionIndex = 2, ErrorCode = 11 }] };
        Assert.That(Bytes.ToHex(Bytes.Write(v4, 4)), Is.EqualTo("0000" + "02" + "0274" + "00000002" + "000b" + "00" + "00"));
        var v5 = new LeaderAndIsrResponse { Topics = [new() { TopicId = id, PartitionErrors = [new() { PartitionIndex = 2, ErrorCode = 11 }] }] };
        Assert.That(Bytes.ToHex(Bytes.Write(v5, 5)),
            Is.EqualTo("0000" + "02" + "0000000000000001" + "0000000000000002" + "02" + "00000002" + "000b" + "00" + "00" + "00"));
    }

    [Test]
    public void UpdateMetadataRequest_V0_UngroupedWithSingleEndpoint()
    {
        var request = new UpdateMetadataRequest
        {
            ControllerId = 1, ControllerEpoch = 3,
            UngroupedPartitionStates =
            [
                new() { TopicName = "t", PartitionIndex = 0, ControllerEpoch = 3, Leader = -2, LeaderEpoch = 5, Isr = [1], ZkVersion = 7, Replicas = [1] },
            ],
            LiveBrokers = [new() { Id = 1, V0Host = "h", V0Port = 9092, Rack = "r" }],
        };
        var expected = Bytes.Hex(
            "00000001 00000003"
            + "00000001 0001 74 00000000 00000003 fffffffe 00000005 00000001 00000001 00000007 00000001 00000001"
            + "00000001 00000001 0001 68 00002384"); // no rack before v2
        Assert.That(Bytes.ToHex(Bytes.Write(request, 0)), Is.EqualTo(Bytes.ToHex(expected)));
        var reader = new KafkaReader(expected);
        var read = UpdateMetadataRequest.Read(ref reader, 0);
        Assert.That(reader.Remaining, Is.Zero);
        Assert.That((read.UngroupedPartitionStates[0].TopicName, read.UngroupedPartitionStates[0].Leader, read.LiveBrokers[0].V0Host), Is.EqualTo(("t", -2, "h")));
    }

    [Test]
    public void UpdateMetadataRequest_V8_TaggedTypeAndEndpoints()
    {
        var request = new UpdateMetadataRequest
        {
            ControllerId = 1, ControllerEpoch = 3, BrokerEpoch = 9, Type = 2,
            LiveBrokers = [new() { Id = 1, Endpoints = [new() { Port = 9092, Host = "h", Listener = "P", SecurityProtocol = 0 }], Rack = null }],
        };
        var expected = Bytes.Hex(
            "00000001 00 00000003 0000000000000009" // controller id, is_kraft_controller, controller epoch, broker epoch
            + "01" // no topic states
            + "02 00000001 02 00002384 0268 0250 0000 00 00 00" // broker 1: one endpoint (port, host, listener, protocol), null rack
            + "01 00 01 02"); // one tagged field: tag 0, size 1, type 2
        Assert.That(Bytes.ToHex(Bytes.Write(request, 8)), Is.EqualTo(Bytes.ToHex(expected)));
        var reader = new KafkaReader(expected);
        var read = UpdateMetadataRequest.Read(ref reader, 8);
        Assert.That((read.Type, read.BrokerEpoch, read.LiveBrokers[0].Rack), Is.EqualTo(((sbyte)2, 9L, (string?)null)));
    }

    [Test]
    public void StopReplicaRequest_V0AndV3()
    {
        var v0 = new StopReplicaRequest
        {
            ControllerId = 1, ControllerEpoch = 3, DeletePartitions = true,
            UngroupedPartitions = [new() { TopicName = "t", PartitionIndex = 2 }],
        };
        Assert.That(Bytes.ToHex(Bytes.Write(v0, 0)), Is.EqualTo("00000001" + "00000003" + "01" + "00000001" + "000174" + "00000002"));

        var v3 = new StopReplicaRequest
        {
            ControllerId = 1, ControllerEpoch = 3, BrokerEpoch = 9,
            TopicStates = [new() { TopicName = "t", PartitionStates = [new() { PartitionIndex = 2, LeaderEpoch = -2, DeletePartition = true }] }],
        };
        var expected = Bytes.Hex("00000001 00000003 0000000000000009 02 0274 02 00000002 fffffffe 01 00 00 00");
        Assert.That(Bytes.ToHex(Bytes.Write(v3, 3)), Is.EqualTo(Bytes.ToHex(expected)));
        var reader = new KafkaReader(expected);
        var read = StopReplicaRequest.Read(ref reader, 3);
        var p = read.TopicStates[0].PartitionStates[0];
        Assert.That((p.PartitionIndex, p.LeaderEpoch, p.DeletePartition), Is.EqualTo((2, -2, true)));
    }
}
