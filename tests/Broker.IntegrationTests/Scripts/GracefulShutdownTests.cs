using Broker.IntegrationTests.Wire;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.TestKit.Brokers;

namespace Broker.IntegrationTests.Scripts;

/// <summary>SIGTERM: stop accepting, finish the request in flight, flush logs, exit 0.</summary>
[TestFixture]
public sealed class GracefulShutdownTests
{
    [Test]
    public async Task Sigterm_FinishesTheLongPollInFlight_ThenExitsZero()
    {
        using var broker = new BrokerProcess(0, new Dictionary<string, string> { ["num.partitions"] = "1" });
        await broker.StartAsync();
        using var c = new RawConnection(broker.Port);
        c.RoundTrip<MetadataResponse>(new MetadataRequest { Topics = [new MetadataRequest.RequestTopic { Name = "shutdown" }], AllowAutoTopicCreation = true }, 12);
        // A fetch that waits up to 3 s for data is in flight when SIGTERM arrives.
        int id = c.Send(new FetchRequest
        {
            ReplicaId = -1, MaxWaitMs = 3000, MinBytes = 1, MaxBytes = 1 << 20,
            Topics = [new FetchRequest.FetchTopic { Topic = "shutdown", Partitions = [new FetchRequest.FetchPartition { Partition = 0, FetchOffset = 0, PartitionMaxBytes = 1 << 20 }] }],
        }, 12);
        var stopping = Task.Run(() => broker.Stop());
        var answer = c.Receive<FetchResponse>(ApiKey.Fetch, 12, out int received);
        Assert.That(received, Is.EqualTo(id));
        Assert.That(answer.Responses.Single().Partitions.Single().ErrorCode, Is.EqualTo(0));
        Assert.That(await stopping, Is.EqualTo(0), "exit code after SIGTERM");
        Assert.That(broker.Output.Any(l => l.Contains("stopped; logs flushed")), Is.True);
    }
}
