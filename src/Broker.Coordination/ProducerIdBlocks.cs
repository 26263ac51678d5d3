using Broker.Coordination.ZNodes;
using Broker.ZooKeeper;

namespace Broker.Coordination;

/// <summary>
/// Claims blocks of producer ids from <c>/latest_producer_id_block</c>, as Kafka's ZooKeeper-mode producer id
/// manager: the znode holds the last block handed out; a broker reads it with its version, writes the next block
/// (the following <see cref="BlockSize"/> ids) with a compare-and-set on that version, and retries when another
/// broker won the race. Blocks therefore never overlap across brokers or restarts. Thread-safe (stateless).
/// </summary>
public static class ProducerIdBlocks
{
    /// <summary>Ids per block, as Kafka's PRODUCER_ID_BLOCK_SIZE.</summary>
    public const long BlockSize = 1000;

    /// <summary>
    /// Claims the next block for <paramref name="brokerId"/>. A missing znode is created and an empty one (as made
    /// by the persistent-path set-up) counts as "nothing handed out yet": both yield the first block 0–999.
    /// </summary>
    /// <exception cref="InvalidOperationException">the id space is exhausted (the last block ends near long.MaxValue).</exception>
    public static async Task<ProducerIdBlockZNode> ClaimNextAsync(ZooKeeperClient zk, int brokerId, CancellationToken ct = default)
    {
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            byte[] data;
            Stat stat;
            try
            {
                (data, stat) = await zk.GetDataAsync(ProducerIdBlockZNode.Path, null, ct).ConfigureAwait(false);
            }
            catch (NoNodeException)
            {
                var first = Next(null, brokerId);
                try
                {
                    await zk.CreateRecursiveAsync(ProducerIdBlockZNode.Path, first.Encode(), CreateMode.Persistent, ct).ConfigureAwait(false);
                    return first;
                }
                catch (NodeExistsException)
                {
                    continue;
                }
            }

            var block = Next(data.Length == 0 ? null : ProducerIdBlockZNode.Decode(data), brokerId);
            try
            {
                await zk.SetDataAsync(ProducerIdBlockZNode.Path, block.Encode(), stat.Version, ct).ConfigureAwait(false);
                return block;
            }
            catch (BadVersionException)
            {
                // Another broker claimed a block between our read and write: read again.
            }
            catch (NoNodeException)
            {
                // Deleted meanwhile: start over (it will be created).
            }
        }
    }

    private static ProducerIdBlockZNode Next(ProducerIdBlockZNode? previous, int brokerId)
    {
        if (previous is null)
        {
            return new ProducerIdBlockZNode(brokerId, 0, BlockSize - 1);
        }

        if (previous.BlockEnd > long.MaxValue - BlockSize)
        {
            throw new InvalidOperationException($"Producer ids are exhausted: the last block ends at {previous.BlockEnd}.");
        }

        return new ProducerIdBlockZNode(brokerId, previous.BlockEnd + 1, previous.BlockEnd + BlockSize);
    }
}
