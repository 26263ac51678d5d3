namespace Broker.Protocol.Tests.Primitives;

public sealed class KafkaUuidTests
{
    [Test]
    public void ToString_Zero_IsAllA()
    {
        Assert.That(KafkaUuid.Zero.ToString(), Is.EqualTo("AAAAAAAAAAAAAAAAAAAAAA"));
    }

    [Test]
    public void ToString_UsesUrlSafeAlphabetWithoutPadding()
    {
        var id = new KafkaUuid(-1, -1);
        Assert.That(id.ToString(), Is.EqualTo("_____________________w"));
        Assert.That(new KafkaUuid(0, 1).ToString(), Is.EqualTo("AAAAAAAAAAAAAAAAAAAAAQ"));
    }

    [Test]
    public void Parse_RoundTripsToString()
    {
        var id = new KafkaUuid(0x123456789abcdef0, unchecked((long)0xfedcba9876543210));
        Assert.That(KafkaUuid.Parse(id.ToString()), Is.EqualTo(id));
        Assert.That(id.ToString(), Has.Length.EqualTo(22));
    }

    [TestCase("")]
    [TestCase("AAAAAAAAAAAAAAAAAAAAA")]
    [TestCase("AAAAAAAAAAAAAAAAAAAAAAA")]
    [TestCase("AAAAAAAAAAAAAAAAAAAA+A")]
    [TestCase("AAAAAAAAAAAAAAAAAAAAAB")]
    public void TryParse_Invalid_ReturnsFalse(string text)
    {
        Assert.That(KafkaUuid.TryParse(text, out _), Is.False);
        Assert.Throws<FormatException>(() => KafkaUuid.Parse(text));
    }

    [Test]
    public void NewRandom_IsNeverReservedAndNeverStartsWithDash()
    {
        for (var i = 0; i < 2000; i++)
        {
            var id = KafkaUuid.NewRandom();
            Assert.That(id, Is.Not.EqualTo(KafkaUuid.Zero).And.Not.EqualTo(KafkaUuid.MetadataTopicId));
            Assert.That(id.ToString(), Does.Not.StartWith("-"));
        }
    }
}
