using Broker.IntegrationTests.Cluster;
using Broker.IntegrationTests.Wire;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.TestKit;

namespace Broker.IntegrationTests.Admin;

/// <summary>
/// Issue 12 (librdkafka's 0081 and auto-creation races), one real broker in ZooKeeper mode: CreateTopics honours
/// timeout_ms as Kafka's delayed CreateTopics (0: answer after the write; otherwise wait at most that long for the
/// leaders, REQUEST_TIMED_OUT when they are not there yet, the topic staying created), and Metadata auto-creation
/// of one name by many clients at once answers LEADER_NOT_AVAILABLE (retriable) to the losers, never
/// TOPIC_ALREADY_EXISTS.
/// </summary>
[TestFixture]
public sealed class ZkTopicCreationWaitTests
{
    private TestCluster _cluster = null!;

    private int Port => _cluster.Brokers[0].Port;

    [OneTimeSetUp]
    public async Task Start() => _cluster = await TestCluster.StartAsync(1, new Dictionary<string, string> { ["auto.create.topics.enable"] = "true" });

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (TestContext.CurrentContext.Result.FailCount > 0) TestContext.Out.WriteLine(_cluster.OutputOfAll());
        await _cluster.DisposeAsync();
    }

    private CreateTopicsResponse Create(int timeoutMs, bool validateOnly, params (string Name, int Partitions)[] topics)
    {
        using var c = new RawConnection(Port);
        return c.RoundTrip<CreateTopicsResponse>(new CreateTopicsRequest
        {
            Topics = topics.Select(t => new CreateTopicsRequest.CreatableTopic { Name = t.Name, NumPartitions = t.Partitions, ReplicationFactor = 1 }).ToList(),
            TimeoutMs = timeoutMs,
            ValidateOnly = validateOnly,
        }, 7);
    }

    private MetadataResponse.Topic Metadata(string topic, bool autoCreate = false)
    {
        using var c = new RawConnection(Port);
        return c.RoundTrip<MetadataResponse>(new MetadataRequest
        {
            Topics = [new MetadataRequest.RequestTopic { Name = topic }],
            AllowAutoTopicCreation = autoCreate,
        }, 9).Topics.Single();
    }

    private static bool HasLeaders(MetadataResponse.Topic t) => t.ErrorCode == 0 && t.Partitions.Count > 0 && t.Partitions.All(p => p.LeaderId >= 0);

    [Test]
    public async Task TimeoutTooShortForTheLeaders_AnswersRequestTimedOut_AndTheTopicStaysCreated()
    {
        string topic = $"short-{Guid.NewGuid():N}";

        // 1 ms cannot cover the ZooKeeper write, the controller's election of 40 leaders and this broker's update.
        var result = Create(1, false, (topic, 40)).Topics.Single();

        Assert.That((ErrorCode)result.ErrorCode, Is.EqualTo(ErrorCode.RequestTimedOut), result.ErrorMessage);
        await Poll.UntilAsync(() => HasLeaders(Metadata(topic)), TimeSpan.FromSeconds(30), "the topic's leaders");
        Assert.That(Metadata(topic).Partitions, Has.Count.EqualTo(40));
    }

    [Test]
    public async Task TimeoutZero_AnswersAfterTheWrite_WithTheTopicsShape()
    {
        string a = $"zero-a-{Guid.NewGuid():N}", b = $"zero-b-{Guid.NewGuid():N}";

        var response = Create(0, false, (a, 7), (b, 2));

        Assert.That(response.Topics.Select(t => ((ErrorCode)t.ErrorCode, t.NumPartitions, t.ReplicationFactor)),
            Is.EqualTo(new[] { (ErrorCode.None, 7, (short)1), (ErrorCode.None, 2, (short)1) }));
        Assert.That(response.Topics.All(t => t.TopicId != KafkaUuid.Zero), Is.True);
        await Poll.UntilAsync(() => HasLeaders(Metadata(a)) && HasLeaders(Metadata(b)), TimeSpan.FromSeconds(30), "both topics' leaders");
    }

    [Test]
    public void EnoughTimeout_WaitsUntilEveryTopicHasLeaders()
    {
        var names = Enumerable.Range(0, 4).Select(i => ($"wait-{i}-{Guid.NewGuid():N}", 5 + i)).ToArray();

        var response = Create(30_000, false, names);

        Assert.That(response.Topics.Select(t => (ErrorCode)t.ErrorCode), Is.All.EqualTo(ErrorCode.None));
        foreach (var (name, partitions) in names)
        {
            var seen = Metadata(name);
            Assert.That(HasLeaders(seen), Is.True, $"{name} answered before its leaders were visible");
            Assert.That(seen.Partitions, Has.Count.EqualTo(partitions));
        }
    }

    [Test]
    public void ValidateOnly_CreatesNothing_AndAnswersTheShape()
    {
        string topic = $"validate-{Guid.NewGuid():N}";

        var result = Create(30_000, true, (topic, 3)).Topics.Single();

        Assert.That(((ErrorCode)result.ErrorCode, result.NumPartitions), Is.EqualTo((ErrorCode.None, 3)));
        Assert.That((ErrorCode)Metadata(topic).ErrorCode, Is.EqualTo(ErrorCode.UnknownTopicOrPartition));
    }

    private DeleteTopicsResponse Delete(int timeoutMs, params string[] topics)
    {
        using var c = new RawConnection(Port);
        return c.RoundTrip<DeleteTopicsResponse>(new DeleteTopicsRequest { TopicNames = [.. topics], TimeoutMs = timeoutMs }, 5);
    }

    [Test]
    public async Task DeleteTopics_TimeoutTooShort_AnswersRequestTimedOut_TimeoutZero_AnswersNone_BothTopicsGo()
    {
        string slow = $"del-short-{Guid.NewGuid():N}", quick = $"del-zero-{Guid.NewGuid():N}";
        Assert.That(Create(30_000, false, (slow, 20), (quick, 20)).Topics.Select(t => (ErrorCode)t.ErrorCode), Is.All.EqualTo(ErrorCode.None));

        // 1 ms cannot cover the controller's deletion of 20 partitions and this broker's update; 0 does not wait.
        var timedOut = Delete(1, slow).Responses.Single();
        var immediate = Delete(0, quick).Responses.Single();

        Assert.That((ErrorCode)timedOut.ErrorCode, Is.EqualTo(ErrorCode.RequestTimedOut), timedOut.ErrorMessage);
        Assert.That((ErrorCode)immediate.ErrorCode, Is.EqualTo(ErrorCode.None), immediate.ErrorMessage);
        await Poll.UntilAsync(() => (ErrorCode)Metadata(slow).ErrorCode == ErrorCode.UnknownTopicOrPartition
                                    && (ErrorCode)Metadata(quick).ErrorCode == ErrorCode.UnknownTopicOrPartition,
            TimeSpan.FromSeconds(30), "both deletions to complete");
    }

    [Test]
    public async Task ManyClientsAutoCreatingOneTopic_LosersSeeLeaderNotAvailable_NeverTopicAlreadyExists()
    {
        for (int round = 0; round < 3; round++)
        {
            string topic = $"race-{Guid.NewGuid():N}";
            using var start = new ManualResetEventSlim();
            var askers = Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            {
                using var c = new RawConnection(Port);
                start.Wait();
                return c.RoundTrip<MetadataResponse>(new MetadataRequest
                {
                    Topics = [new MetadataRequest.RequestTopic { Name = topic }],
                    AllowAutoTopicCreation = true,
                }, 9).Topics.Single();
            })).ToList();
            start.Set();
            var answers = await Task.WhenAll(askers);

            Assert.That(answers.Select(a => (ErrorCode)a.ErrorCode), Is.All.AnyOf(ErrorCode.None, ErrorCode.LeaderNotAvailable),
                $"round {round}: {string.Join(", ", answers.Select(a => (ErrorCode)a.ErrorCode))}");
        }
    }
}
