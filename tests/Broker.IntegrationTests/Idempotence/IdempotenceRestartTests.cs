using Broker.IntegrationTests.Wire;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.TestKit.Brokers;
using static Broker.IntegrationTests.Idempotence.IdempotenceWire;

namespace Broker.IntegrationTests.Idempotence;

/// <summary>Producer state survives a broker restart: from the snapshot after a clean stop, from the log after kill -9.</summary>
[TestFixture]
public sealed class IdempotenceRestartTests
{
    [TestCase(false, TestName = "Restart_AfterCleanStop_RetryIsStillDeduplicated")]
    [TestCase(true, TestName = "Restart_AfterKill_RetryIsStillDeduplicated")]
    public async Task Restart_RetryOfLastBatch_IsStillDeduplicated(bool kill)
    {
        using var broker = new BrokerProcess(0, new Dictionary<string, string> { ["log.flush.interval.messages"] = "1" });
        await broker.StartAsync();
        string topic = "idem-restart";
        byte[] last;
        long producerId;
        using (var c = new RawConnection(broker.Port))
        {
            CreateTopic(c, topic);
            InitProducerIdResponse pid = InitProducerId(c);
            producerId = pid.ProducerId;
            Produce(c, topic, Batch(pid.ProducerId, pid.ProducerEpoch, 0, 4));
            last = Batch(pid.ProducerId, pid.ProducerEpoch, 4, 3);
            Assert.That(Produce(c, topic, last), Is.EqualTo((ErrorCode.None, 4L)));
        }

        if (kill)
        {
            broker.Kill();
        }
        else
        {
            Assert.That(broker.Stop(), Is.EqualTo(0));
        }

        await broker.StartAsync();

        using (var c = new RawConnection(broker.Port))
        {
            var retry = Produce(c, topic, last);
            Assert.That(retry, Is.EqualTo((ErrorCode.None, 4L)));
            Assert.That(LogEndOffset(c, topic), Is.EqualTo(7));
            InitProducerIdResponse next = InitProducerId(c);
            Assert.That(next.ProducerId, Is.Not.EqualTo(producerId), "ids are not reused after a restart");
        }
    }
}
