namespace Broker.Storage.Tests;

public class TopicPartitionTests
{
    [TestCase("orders-0", "orders", 0)]
    [TestCase("my-topic-with-dashes-12", "my-topic-with-dashes", 12)]
    [TestCase("__consumer_offsets-49", "__consumer_offsets", 49)]
    public void TryParseDirectoryName_SplitsAtLastDash(string name, string topic, int partition)
    {
        Assert.That(TopicPartition.TryParseDirectoryName(name, out TopicPartition tp), Is.True);
        Assert.That(tp, Is.EqualTo(new TopicPartition(topic, partition)));
        Assert.That(tp.DirectoryName, Is.EqualTo(name));
    }

    [TestCase("orders")]
    [TestCase("orders-")]
    [TestCase("-3")]
    [TestCase("orders-0.abc123-delete")]
    [TestCase("orders-x")]
    public void TryParseDirectoryName_RejectsOtherFolders(string name)
    {
        Assert.That(TopicPartition.TryParseDirectoryName(name, out _), Is.False);
    }
}
