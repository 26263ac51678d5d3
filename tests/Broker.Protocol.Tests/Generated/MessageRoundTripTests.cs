using Broker.Protocol.Tests.TestSupport;

namespace Broker.Protocol.Tests.Generated;

public sealed class MessageRoundTripTests
{
    public static IEnumerable<TestCaseData> EveryMessageAndVersion()
    {
        foreach (var type in MessageSamples.MessageTypes())
        {
            var (min, max) = MessageSamples.Versions(type);
            for (var v = min; v <= max; v++)
            {
                yield return new TestCaseData(type, v).SetName($"RoundTrip_{type.Name}_v{v}");
            }
        }
    }

    [TestCaseSource(nameof(EveryMessageAndVersion))]
    public void RoundTrip_EveryFieldOfVersion_PreservesValuesAndBytes(Type type, short version)
    {
        var original = (IKafkaMessage)MessageSamples.Create(type, version);
        var bytes = Bytes.Write(original, version);

        var reader = new KafkaReader(bytes);
        IKafkaMessage read = original is IKafkaRequest
            ? RequestReader.Read(original.ApiKey, version, ref reader)
            : ResponseReader.Read(original.ApiKey, version, ref reader);

        Assert.That(reader.Remaining, Is.Zero, "unread bytes");
        Assert.That(read.GetType(), Is.EqualTo(type));
        Assert.That(MessageSamples.Difference(original, read, type.Name), Is.Null);
        Assert.That(Bytes.Write(read, version), Is.EqualTo(bytes));
    }

    [Test]
    public void EveryApiHasRequestAndResponseWithMatchingVersions()
    {
        foreach (var definition in ApiDefinitions.All)
        {
            var request = Type.GetType($"Broker.Protocol.Messages.{definition.Name}Request, Broker.Protocol");
            var response = Type.GetType($"Broker.Protocol.Messages.{definition.Name}Response, Broker.Protocol");
            Assert.That(request, Is.Not.Null, definition.Name);
            Assert.That(response, Is.Not.Null, definition.Name);
            Assert.That(MessageSamples.Versions(request!), Is.EqualTo((definition.MinVersion, definition.MaxVersion)));
        }
    }

    [Test]
    public void RequestReader_UnsupportedVersion_Throws()
    {
        Assert.Throws<ProtocolException>(() =>
        {
            var reader = new KafkaReader(Array.Empty<byte>());
            RequestReader.Read(ApiKey.Produce, 2, ref reader);
        });
    }
}
