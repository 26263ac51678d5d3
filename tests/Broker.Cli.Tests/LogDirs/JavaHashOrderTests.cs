using Broker.Cli.LogDirs;

namespace Broker.Cli.Tests.LogDirs;

/// <summary>JavaHashOrder against orders java.util.HashMap is known to produce (Kafka's documented tool output).</summary>
[TestFixture]
public sealed class JavaHashOrderTests
{
    [Test]
    public void StringKeys_FollowKafkasDocumentedJson()
    {
        // docs/ops.html: {"brokers":[...],"version":1} and {"partition":..,"size":..,"offsetLag":..,"isFuture":..}.
        Assert.That(JavaHashOrder.Order(["version", "brokers"], JavaHashOrder.StringHash), Is.EqualTo(new[] { "brokers", "version" }));
        Assert.That(JavaHashOrder.Order(["logDir", "error", "partitions"], JavaHashOrder.StringHash), Is.EqualTo(new[] { "partitions", "error", "logDir" }));
        Assert.That(JavaHashOrder.Order(["isFuture", "offsetLag", "size", "partition"], JavaHashOrder.StringHash),
            Is.EqualTo(new[] { "partition", "size", "offsetLag", "isFuture" }));
    }

    [Test]
    public void IntegerKeys_AreBucketedModuloCapacity()
    {
        Assert.That(JavaHashOrder.Order([3, 16], i => i), Is.EqualTo(new[] { 16, 3 }), "16 lands in bucket 0 of 16");
        Assert.That(JavaHashOrder.Order([17, 1], i => i), Is.EqualTo(new[] { 17, 1 }), "same bucket: insertion order");
        var many = Enumerable.Range(0, 20).Reverse().ToList();
        Assert.That(JavaHashOrder.Order(many, i => i), Is.EqualTo(Enumerable.Range(0, 20)), "20 entries: 32 buckets, ascending");
    }

    [Test]
    public void StringHash_IsJavas()
    {
        Assert.That(JavaHashOrder.StringHash("hello"), Is.EqualTo(99162322));
        Assert.That(JavaHashOrder.StringHash(""), Is.EqualTo(0));
    }
}
