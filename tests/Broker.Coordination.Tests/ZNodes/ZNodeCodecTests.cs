using System.Text;
using System.Text.Json.Nodes;
using Broker.Coordination.ZNodes;

namespace Broker.Coordination.Tests.ZNodes;

/// <summary>Every znode type writes Kafka's JSON (keys and value types as Kafka 3.6 writes them) and reads it back.</summary>
public sealed class ZNodeCodecTests
{
    private static JsonNode Json(byte[] data) => JsonNode.Parse(data)!;

    [Test]
    public void BrokerRegistration_IsVersion5_WithEndpointsAndProtocolMap()
    {
        var node = new BrokerIdZNode(2, [new BrokerEndpoint("PLAINTEXT", "localhost", 9093)], null, 1700000000000);
        var json = Json(node.Encode());
        Assert.That(json["version"]!.GetValue<int>(), Is.EqualTo(5));
        Assert.That(json["host"]!.GetValue<string>(), Is.EqualTo("localhost"));
        Assert.That(json["port"]!.GetValue<int>(), Is.EqualTo(9093));
        Assert.That(json["jmx_port"]!.GetValue<int>(), Is.EqualTo(-1));
        Assert.That(json["timestamp"]!.GetValue<string>(), Is.EqualTo("1700000000000"), "Kafka writes the timestamp as a string");
        Assert.That(json["endpoints"]![0]!.GetValue<string>(), Is.EqualTo("PLAINTEXT://localhost:9093"));
        Assert.That(json["listener_security_protocol_map"]!["PLAINTEXT"]!.GetValue<string>(), Is.EqualTo("PLAINTEXT"));
        Assert.That(json["rack"], Is.Null);
        Assert.That(BrokerIdZNode.Decode(2, node.Encode()), Is.EqualTo(node).Using<BrokerIdZNode>((a, b) =>
            a.Id == b.Id && a.Endpoints.SequenceEqual(b.Endpoints) && a.TimestampMs == b.TimestampMs));
    }

    [Test]
    public void BrokerRegistration_WrittenByKafka_IsRead()
    {
        byte[] kafka = Encoding.UTF8.GetBytes("""{"features":{},"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT"},"endpoints":["PLAINTEXT://broker1:9092"],"jmx_port":-1,"port":9092,"host":"broker1","version":5,"timestamp":"1716301220522","rack":"r1"}""");
        var node = BrokerIdZNode.Decode(1, kafka);
        Assert.That(node.Endpoints.Single(), Is.EqualTo(new BrokerEndpoint("PLAINTEXT", "broker1", 9092)));
        Assert.That(node.Rack, Is.EqualTo("r1"));
    }

    [Test]
    public void Controller_IsVersion2_WithKraftEpochMinusOne()
    {
        var json = Json(new ControllerZNode(3, 42).Encode());
        Assert.That(json["version"]!.GetValue<int>(), Is.EqualTo(2));
        Assert.That(json["brokerid"]!.GetValue<int>(), Is.EqualTo(3));
        Assert.That(json["kraftControllerEpoch"]!.GetValue<int>(), Is.EqualTo(-1));
        Assert.That(ControllerZNode.Decode(Encoding.UTF8.GetBytes("""{"version":1,"brokerid":7,"timestamp":"1"}""")).BrokerId, Is.EqualTo(7));
        Assert.That(ControllerEpochZNode.Decode(ControllerEpochZNode.Encode(12)), Is.EqualTo(12));
        Assert.That(Encoding.UTF8.GetString(ControllerEpochZNode.Encode(12)), Is.EqualTo("12"));
    }

    [Test]
    public void TopicAssignment_IsVersion3_WithEmptyReassignmentMapsAndTopicId()
    {
        var node = new TopicZNode("t", "AAAAAAAAAAAAAAAAAAAAAQ", new Dictionary<int, int[]> { [1] = [2, 3], [0] = [1, 2] });
        var json = Json(node.Encode());
        Assert.That(json["version"]!.GetValue<int>(), Is.EqualTo(3));
        Assert.That(json["adding_replicas"]!.AsObject(), Is.Empty);
        Assert.That(json["removing_replicas"]!.AsObject(), Is.Empty);
        Assert.That(json["partitions"]!["1"]!.AsArray().Select(n => n!.GetValue<int>()), Is.EqualTo(new[] { 2, 3 }));
        var back = TopicZNode.Decode("t", node.Encode());
        Assert.That(back.TopicId, Is.EqualTo("AAAAAAAAAAAAAAAAAAAAAQ"));
        Assert.That(back.Partitions[0], Is.EqualTo(new[] { 1, 2 }));
    }

    [Test]
    public void TopicAssignment_DuringAReassignment_KeepsAddingAndRemovingReplicas_AndKnowsOriginAndTarget()
    {
        // Kafka's layout of a partition moving from [1,2] to [2,3]: RS = [2,3,1], adding [3], removing [1].
        var text = """{"version":3,"partitions":{"0":[2,3,1],"1":[1,2]},"adding_replicas":{"0":[3]},"removing_replicas":{"0":[1],"1":[]},"topic_id":"AAAAAAAAAAAAAAAAAAAAAQ"}""";
        var node = TopicZNode.Decode("t", Encoding.UTF8.GetBytes(text));
        Assert.That(node.IsBeingReassigned(0), Is.True);
        Assert.That(node.IsBeingReassigned(1), Is.False, "an empty list is no reassignment");
        Assert.That(node.OriginReplicas(0), Is.EqualTo(new[] { 2, 1 }));
        Assert.That(node.TargetReplicas(0), Is.EqualTo(new[] { 2, 3 }));
        var json = Json(node.Encode());
        Assert.That(json["adding_replicas"]!["0"]!.AsArray().Select(n => n!.GetValue<int>()), Is.EqualTo(new[] { 3 }));
        Assert.That(json["removing_replicas"]!["0"]!.AsArray().Select(n => n!.GetValue<int>()), Is.EqualTo(new[] { 1 }));
        Assert.That(json["removing_replicas"]!.AsObject().ContainsKey("1"), Is.False);
    }

    [Test]
    public void ReassignPartitions_IsKafkasVersion1List()
    {
        var text = """{"version":1,"partitions":[{"topic":"a","partition":1,"replicas":[3,1]},{"topic":"a","partition":0,"replicas":[1,2,3]}]}""";
        var node = ReassignPartitionsZNode.Decode(Encoding.UTF8.GetBytes(text));
        Assert.That(node.Partitions[("a", 1)], Is.EqualTo(new[] { 3, 1 }));
        Assert.That(Encoding.UTF8.GetString(node.Encode()),
            Is.EqualTo("""{"version":1,"partitions":[{"topic":"a","partition":0,"replicas":[1,2,3]},{"topic":"a","partition":1,"replicas":[3,1]}]}"""));
    }

    [Test]
    public void PartitionState_IsVersion1()
    {
        var state = new PartitionStateZNode(2, 5, [2, 3], 9);
        var json = Json(state.Encode());
        Assert.That(json["version"]!.GetValue<int>(), Is.EqualTo(1));
        Assert.That(json["leader"]!.GetValue<int>(), Is.EqualTo(2));
        Assert.That(json["leader_epoch"]!.GetValue<int>(), Is.EqualTo(5));
        Assert.That(json["controller_epoch"]!.GetValue<int>(), Is.EqualTo(9));
        var back = PartitionStateZNode.Decode(state.Encode(), "p");
        Assert.That((back.Leader, back.LeaderEpoch, back.ControllerEpoch), Is.EqualTo((2, 5, 9)));
        Assert.That(back.Isr, Is.EqualTo(new[] { 2, 3 }));
        Assert.That(PartitionStateZNode.PathOf("t", 4), Is.EqualTo("/brokers/topics/t/partitions/4/state"));
    }

    [Test]
    public void TopicConfig_And_ChangeNotification_AsKafkaWritesThem()
    {
        var json = Json(new TopicConfigZNode(new Dictionary<string, string> { ["retention.ms"] = "1000" }).Encode());
        Assert.That(json["version"]!.GetValue<int>(), Is.EqualTo(1));
        Assert.That(json["config"]!["retention.ms"]!.GetValue<string>(), Is.EqualTo("1000"));
        Assert.That(Encoding.UTF8.GetString(new TopicConfigZNode(new Dictionary<string, string>()).Encode()), Does.Contain("\"config\":{}"));
        var change = Json(new ConfigChangeZNode("topics/t").Encode());
        Assert.That((change["version"]!.GetValue<int>(), change["entity_path"]!.GetValue<string>()), Is.EqualTo((2, "topics/t")));
    }

    [Test]
    public void ClusterId_VersionIsAString()
    {
        Assert.That(Encoding.UTF8.GetString(new ClusterIdZNode("abc").Encode()), Does.Contain("\"version\":\"1\""));
        Assert.That(ClusterIdZNode.Decode(Encoding.UTF8.GetBytes("""{"version":"1","id":"xyz"}""")).Id, Is.EqualTo("xyz"));
    }

    [Test]
    public void IsrChange_And_ProducerIdBlock_RoundTrip()
    {
        var isr = new IsrChangeNotificationZNode([("a", 1), ("b", 0)]);
        Assert.That(IsrChangeNotificationZNode.Decode(isr.Encode()).Partitions, Is.EqualTo(isr.Partitions));
        var block = new ProducerIdBlockZNode(1, 1000, 1999);
        var json = Json(block.Encode());
        Assert.That(json["block_start"]!.GetValue<string>(), Is.EqualTo("1000"));
        Assert.That(ProducerIdBlockZNode.Decode(block.Encode()), Is.EqualTo(block));
    }
}
