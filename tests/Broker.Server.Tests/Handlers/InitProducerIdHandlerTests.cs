using Broker.Protocol;
using Broker.Protocol.Framing;
using Broker.Protocol.Messages;
using Broker.Server.Handlers;
using Broker.Server.Producers;
using Broker.Server.Requests;
using Broker.Server.Tests.Transactions;
using Broker.Server.Transactions;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Server.Tests.Handlers;

public class InitProducerIdHandlerTests
{
    [TestCase((short)0)]
    [TestCase((short)2)]
    [TestCase((short)4)]
    public async Task NonTransactional_GetsFreshIdsWithEpochZero(short version)
    {
        var allocator = new CountingAllocator(start: 3000);
        var handler = new InitProducerIdHandler(allocator, NoTransactions(), NullLogger<InitProducerIdHandler>.Instance);

        InitProducerIdResponse first = await Handle(handler, version, new InitProducerIdRequest { TransactionTimeoutMs = -1 });
        InitProducerIdResponse second = await Handle(handler, version, new InitProducerIdRequest { TransactionTimeoutMs = -1 });

        Assert.That((first.ErrorCode, first.ProducerId, first.ProducerEpoch), Is.EqualTo(((short)0, 3000L, (short)0)));
        Assert.That((second.ErrorCode, second.ProducerId, second.ProducerEpoch), Is.EqualTo(((short)0, 3001L, (short)0)));
    }

    [Test]
    public async Task EpochBump_V3_KeepsIdAndIncrementsEpoch()
    {
        var allocator = new CountingAllocator(start: 0);
        var handler = new InitProducerIdHandler(allocator, NoTransactions(), NullLogger<InitProducerIdHandler>.Instance);

        InitProducerIdResponse response = await Handle(handler, 3, new InitProducerIdRequest { ProducerId = 77, ProducerEpoch = 4 });

        Assert.That((response.ErrorCode, response.ProducerId, response.ProducerEpoch), Is.EqualTo(((short)0, 77L, (short)5)));
        Assert.That(allocator.Calls, Is.EqualTo(0));
    }

    [Test]
    public async Task EpochBump_AtExhaustedEpoch_GetsNewIdWithEpochZero()
    {
        var handler = new InitProducerIdHandler(new CountingAllocator(start: 500), NoTransactions(), NullLogger<InitProducerIdHandler>.Instance);

        InitProducerIdResponse response = await Handle(handler, 4, new InitProducerIdRequest { ProducerId = 77, ProducerEpoch = short.MaxValue - 1 });

        Assert.That((response.ProducerId, response.ProducerEpoch), Is.EqualTo((500L, (short)0)));
    }

    [TestCase(77L, (short)-1)]
    [TestCase(-1L, (short)3)]
    public async Task IncompleteBumpRequest_GetsFreshId(long producerId, short epoch)
    {
        var handler = new InitProducerIdHandler(new CountingAllocator(start: 9), NoTransactions(), NullLogger<InitProducerIdHandler>.Instance);

        InitProducerIdResponse response = await Handle(handler, 4, new InitProducerIdRequest { ProducerId = producerId, ProducerEpoch = epoch });

        Assert.That((response.ProducerId, response.ProducerEpoch), Is.EqualTo((9L, (short)0)));
    }

    [Test]
    public async Task Transactional_IsAnsweredByTheTransactionCoordinator()
    {
        var allocator = new CountingAllocator(start: 0);
        var handler = new InitProducerIdHandler(allocator, NoTransactions(), NullLogger<InitProducerIdHandler>.Instance);

        InitProducerIdResponse response = await Handle(handler, 4, new InitProducerIdRequest { TransactionalId = "tx-1", TransactionTimeoutMs = 60000 });

        // No __transaction_state partition is loaded here: the client must look the coordinator up.
        Assert.That(response.ErrorCode, Is.EqualTo((short)ErrorCode.NotCoordinator));
        Assert.That((response.ProducerId, response.ProducerEpoch), Is.EqualTo((-1L, (short)-1)));
        Assert.That(allocator.Calls, Is.EqualTo(0));
    }

    [Test]
    public async Task AllocationFailure_IsCoordinatorNotAvailable()
    {
        var handler = new InitProducerIdHandler(new FailingAllocator(), NoTransactions(), NullLogger<InitProducerIdHandler>.Instance);

        InitProducerIdResponse response = await Handle(handler, 4, new InitProducerIdRequest());

        Assert.That(response.ErrorCode, Is.EqualTo((short)ErrorCode.CoordinatorNotAvailable));
        Assert.That(response.ProducerId, Is.EqualTo(-1));
    }

    private static TransactionCoordinator NoTransactions() =>
        new(new InMemoryTransactionStateTopic(), new SequentialAllocator(), new StaticCluster(), new RecordingMarkerChannel(),
            new TransactionCoordinatorOptions(), TimeProvider.System, NullLogger<TransactionCoordinator>.Instance);

    private static async Task<InitProducerIdResponse> Handle(IRequestHandler handler, short version, InitProducerIdRequest request)
    {
        var context = new RequestContext(new RequestHeader((short)ApiKey.InitProducerId, version, 1, "test"), 1, null, CancellationToken.None);
        IKafkaResponse? response = await handler.HandleAsync(context, request);
        return (InitProducerIdResponse)response!;
    }

    private sealed class CountingAllocator(long start) : IProducerIdAllocator
    {
        private long _next = start;

        public int Calls { get; private set; }

        public ValueTask<long> NextAsync(CancellationToken cancellationToken)
        {
            Calls++;
            return ValueTask.FromResult(_next++);
        }
    }

    private sealed class FailingAllocator : IProducerIdAllocator
    {
        public ValueTask<long> NextAsync(CancellationToken cancellationToken) => throw new IOException("disk gone");
    }
}
