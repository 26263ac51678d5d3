using Broker.IntegrationTests.Wire;
using Broker.Protocol;
using Broker.Protocol.Messages;
using static Broker.IntegrationTests.Idempotence.IdempotenceWire;

namespace Broker.IntegrationTests.Idempotence;

/// <summary>Sequence and epoch checks seen by a hand-written idempotent producer over a real socket.</summary>
[TestFixture]
public sealed class RawIdempotenceTests : SingleBrokerFixture
{
    [Test]
    public void InitProducerId_GivesDistinctIdsAndBumpsEpoch()
    {
        using var c = new RawConnection(Broker.Port);

        InitProducerIdResponse first = InitProducerId(c);
        InitProducerIdResponse second = InitProducerId(c);
        InitProducerIdResponse bumped = InitProducerId(c, first.ProducerId, first.ProducerEpoch);

        Assert.That((first.ErrorCode, second.ErrorCode, bumped.ErrorCode), Is.EqualTo(((short)0, (short)0, (short)0)));
        Assert.That(first.ProducerId, Is.GreaterThanOrEqualTo(0));
        Assert.That(second.ProducerId, Is.Not.EqualTo(first.ProducerId));
        Assert.That((bumped.ProducerId, bumped.ProducerEpoch), Is.EqualTo((first.ProducerId, (short)(first.ProducerEpoch + 1))));
    }

    [Test]
    public void InitProducerId_Transactional_BeforeFindCoordinator_IsNotCoordinator()
    {
        using var c = new RawConnection(Broker.Port);

        // "tx-never-looked-up" hashes to a __transaction_state partition nobody loaded: the client must look it up.
        var response = c.RoundTrip<InitProducerIdResponse>(new InitProducerIdRequest { TransactionalId = "tx-never-looked-up", TransactionTimeoutMs = 60000 }, 4);

        Assert.That(response.ErrorCode, Is.AnyOf((short)ErrorCode.NotCoordinator, (short)ErrorCode.CoordinatorLoadInProgress));
    }

    [Test]
    public void SameBatchTwice_IsStoredOnceAndAnsweredWithItsOffset()
    {
        using var c = new RawConnection(Broker.Port);
        string topic = UniqueTopic("idem-dup");
        CreateTopic(c, topic);
        InitProducerIdResponse pid = InitProducerId(c);
        Assert.That(Produce(c, topic, Batch(pid.ProducerId, pid.ProducerEpoch, 0, 3)).Error, Is.EqualTo(ErrorCode.None));
        byte[] batch = Batch(pid.ProducerId, pid.ProducerEpoch, 3, 2);

        var first = Produce(c, topic, batch);
        var retry = Produce(c, topic, batch);

        Assert.That(first, Is.EqualTo((ErrorCode.None, 3L)));
        Assert.That(retry, Is.EqualTo((ErrorCode.None, 3L)));
        Assert.That(LogEndOffset(c, topic), Is.EqualTo(5));
    }

    [Test]
    public void SameSequenceWithOtherRecords_IsCorruptMessageAndNotStored()
    {
        // Issue 11: kafkajs rolls its sequence back after a failed request the broker had stored, and sends other
        // records under the stored batch's sequence. Answering them as a retry acknowledged records never written.
        using var c = new RawConnection(Broker.Port);
        string topic = UniqueTopic("idem-reuse");
        CreateTopic(c, topic);
        InitProducerIdResponse pid = InitProducerId(c);
        Assert.That(Produce(c, topic, Batch(pid.ProducerId, pid.ProducerEpoch, 0, 3)).Error, Is.EqualTo(ErrorCode.None));
        byte[] stored = Batch(pid.ProducerId, pid.ProducerEpoch, 3, 2, prefix: "stored");
        Assert.That(Produce(c, topic, stored), Is.EqualTo((ErrorCode.None, 3L)));

        ProduceResponse.PartitionResponse reused = ProducePartition(c, topic, Batch(pid.ProducerId, pid.ProducerEpoch, 3, 2, prefix: "other"));

        Assert.That((short)reused.ErrorCode, Is.EqualTo(2), "CORRUPT_MESSAGE: retriable, kafkajs retries the call with a fresh sequence");
        Assert.That(reused.ErrorMessage, Is.EqualTo($"batch reuses sequence 3 of producer {pid.ProducerId} (epoch {pid.ProducerEpoch}) with different records"));
        Assert.That(reused.BaseOffset, Is.EqualTo(-1));
        Assert.That(LogEndOffset(c, topic), Is.EqualTo(5), "nothing appended");
        Assert.That(Produce(c, topic, stored), Is.EqualTo((ErrorCode.None, 3L)), "the true retry keeps its original offset");
        Assert.That(Produce(c, topic, Batch(pid.ProducerId, pid.ProducerEpoch, 3, 2, prefix: "stored")), Is.EqualTo((ErrorCode.None, 3L)), "so does a retry re-encoded with a new timestamp (kafkajs)");
        Assert.That(Produce(c, topic, Batch(pid.ProducerId, pid.ProducerEpoch, 5, 1)), Is.EqualTo((ErrorCode.None, 5L)), "the producer's sequence is unchanged");
    }

    [Test]
    public void SequenceGap_IsOutOfOrderSequenceNumber()
    {
        using var c = new RawConnection(Broker.Port);
        string topic = UniqueTopic("idem-gap");
        CreateTopic(c, topic);
        InitProducerIdResponse pid = InitProducerId(c);
        Produce(c, topic, Batch(pid.ProducerId, pid.ProducerEpoch, 0, 2));

        var gap = Produce(c, topic, Batch(pid.ProducerId, pid.ProducerEpoch, 5, 1));

        Assert.That(gap.Error, Is.EqualTo(ErrorCode.OutOfOrderSequenceNumber));
        Assert.That((short)gap.Error, Is.EqualTo(45));
        Assert.That(LogEndOffset(c, topic), Is.EqualTo(2));
    }

    [Test]
    public void OldEpochAfterBump_IsInvalidProducerEpoch()
    {
        using var c = new RawConnection(Broker.Port);
        string topic = UniqueTopic("idem-epoch");
        CreateTopic(c, topic);
        InitProducerIdResponse pid = InitProducerId(c);
        Produce(c, topic, Batch(pid.ProducerId, pid.ProducerEpoch, 0, 2));
        InitProducerIdResponse bumped = InitProducerId(c, pid.ProducerId, pid.ProducerEpoch);
        Assert.That(Produce(c, topic, Batch(bumped.ProducerId, bumped.ProducerEpoch, 0, 1)).Error, Is.EqualTo(ErrorCode.None));

        var stale = Produce(c, topic, Batch(pid.ProducerId, pid.ProducerEpoch, 2, 1));

        Assert.That(stale.Error, Is.EqualTo(ErrorCode.InvalidProducerEpoch));
        Assert.That((short)stale.Error, Is.EqualTo(47));
        Assert.That(LogEndOffset(c, topic), Is.EqualTo(3));
    }
}
