using System.Text;
using Broker.TestKit;

namespace Broker.IntegrationTests.Clients;

/// <summary>kcat 1.7.1 (librdkafka 2.0.2 from Debian) against a real broker process.</summary>
[TestFixture]
public sealed class KcatTests : SingleBrokerFixture
{
    [Test]
    public async Task MetadataListing_ShowsTheBrokerAndTopics()
    {
        string topic = UniqueTopic("kcat-list");
        var produce = await ExternalProcess.RunAsync("kcat", ["-b", Bootstrap, "-t", topic, "-P"], Encoding.UTF8.GetBytes("x\n"));
        Assert.That(produce.ExitCode, Is.EqualTo(0), produce.StandardError);
        var list = await ExternalProcess.RunAsync("kcat", ["-b", Bootstrap, "-L"]);
        Assert.That(list.ExitCode, Is.EqualTo(0), list.StandardError);
        Assert.That(list.StandardOutput, Does.Contain($"broker 0 at 127.0.0.1:{Broker.Port}"));
        Assert.That(list.StandardOutput, Does.Contain($"topic \"{topic}\" with 1 partitions"));
    }

    [Test]
    public async Task ProduceAndConsume10000Lines_ByteIdentical()
    {
        string topic = UniqueTopic("kcat-lines");
        var sb = new StringBuilder();
        for (int i = 0; i < 10_000; i++) sb.Append("line ").Append(i).Append(" \u00e9\u4e2d ").Append(new string('x', i % 50)).Append('\n');
        byte[] input = Encoding.UTF8.GetBytes(sb.ToString());
        var produce = await ExternalProcess.RunAsync("kcat", ["-b", Bootstrap, "-t", topic, "-P", "-p", "0"], input);
        Assert.That(produce.ExitCode, Is.EqualTo(0), produce.StandardError);
        var consume = await ExternalProcess.RunAsync("kcat", ["-b", Bootstrap, "-t", topic, "-C", "-p", "0", "-o", "beginning", "-e", "-q"]);
        Assert.That(consume.ExitCode, Is.EqualTo(0), consume.StandardError);
        Assert.That(consume.RawOutput, Is.EqualTo(input));
    }
}
