using Broker.Coordination;
using Broker.Coordination.ZNodes;

namespace Broker.Server.Producers;

/// <summary>ZooKeeper mode: blocks of 1000 ids claimed from <c>/latest_producer_id_block</c> by compare-and-set.</summary>
public sealed class ZkProducerIdBlockSource(KafkaZkStore store, int brokerId) : IProducerIdBlockSource
{
    public async Task<ProducerIdRange> ClaimAsync(CancellationToken cancellationToken)
    {
        ProducerIdBlockZNode block = await ProducerIdBlocks.ClaimNextAsync(store.Client, brokerId, cancellationToken).ConfigureAwait(false);
        return new ProducerIdRange(block.BlockStart, block.BlockEnd);
    }
}
