using Broker.Cli.Topics;

namespace Broker.Cli.Tests.Topics;

public sealed class TopicFilterTests
{
    [TestCase("test\\.topic", "test.topic", true)]
    [TestCase("test\\.topic", "testXtopic", false)]
    [TestCase("test.*", "test-1", true)]
    [TestCase("test", "test-1", false)]
    [TestCase("a,b", "b", true)]
    [TestCase("\"a.*\"", "abc", true)]
    public void Allows_MatchesWholeNameAsKafkasIncludeList(string pattern, string topic, bool expected) =>
        Assert.That(new TopicFilter(pattern, excludeInternal: false).Allows(topic), Is.EqualTo(expected));

    [Test]
    public void Allows_ExcludeInternal_DropsInternalTopics() =>
        Assert.That(new TopicFilter(null, excludeInternal: true).Allows("__consumer_offsets"), Is.False);

    [Test]
    public void Format_TopicId_IsBase64UrlWithoutPadding() =>
        Assert.That(TopicIdText.Format(-1, 0x0102030405060708), Is.EqualTo("__________8BAgMEBQYHCA"));
}
