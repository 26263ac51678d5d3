using Broker.Server.Groups;

namespace Broker.Server.Tests.Groups;

public sealed class GroupPartitionerTests
{
    [TestCase("g1", 42)]
    [TestCase("my-group", 12)]
    [TestCase("test-group", 12)]
    [TestCase("console-consumer-1", 24)]
    [TestCase("polygenelubricants", 0)]
    public void PartitionFor_MatchesKafkaVectors(string group, int expected) =>
        Assert.That(GroupPartitioner.PartitionFor(group, 50), Is.EqualTo(expected));

    [Test]
    public void JavaStringHashCode_OfMinValueVector_IsIntMinValue() =>
        Assert.That(GroupPartitioner.JavaStringHashCode("polygenelubricants"), Is.EqualTo(int.MinValue));

    [Test]
    public void JavaStringHashCode_UsesUtf16CodeUnits()
    {
        // "a" = 97; "é" (U+00E9) = 233; a surrogate pair hashes as its two code units.
        Assert.That(GroupPartitioner.JavaStringHashCode("a"), Is.EqualTo(97));
        Assert.That(GroupPartitioner.JavaStringHashCode("é"), Is.EqualTo(233));
        Assert.That(GroupPartitioner.JavaStringHashCode("\U0001F600"), Is.EqualTo((31 * 0xD83D) + 0xDE00));
    }
}
