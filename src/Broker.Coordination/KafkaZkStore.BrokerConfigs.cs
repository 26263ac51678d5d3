using Broker.Coordination.ZNodes;
using Broker.ZooKeeper;

namespace Broker.Coordination;

// Dynamic broker configs (KIP-226): /config/brokers/<id> and /config/brokers/<default>.
public sealed partial class KafkaZkStore
{
    /// <summary>The dynamic configs stored for <paramref name="entity"/> (a broker id or &lt;default&gt;); empty when none.</summary>
    public async Task<IReadOnlyDictionary<string, string>> GetBrokerConfigAsync(string entity, CancellationToken ct = default)
    {
        try
        {
            var (data, _) = await zk.GetDataAsync(BrokerConfigZNode.PathOf(entity), null, ct).ConfigureAwait(false);
            return BrokerConfigZNode.Decode(entity, data).Config;
        }
        catch (NoNodeException)
        {
            return new Dictionary<string, string>();
        }
    }

    /// <summary>
    /// Replaces the dynamic configs of <paramref name="entity"/> and writes the change notification
    /// (<c>brokers/&lt;entity&gt;</c>) every broker watches, as Kafka's AdminZkClient.changeBrokerConfig.
    /// </summary>
    public async Task SetBrokerConfigAsync(string entity, IReadOnlyDictionary<string, string> configs, CancellationToken ct = default)
    {
        byte[] data = new BrokerConfigZNode(configs).Encode();
        string path = BrokerConfigZNode.PathOf(entity);
        try
        {
            await zk.SetDataAsync(path, data, -1, ct).ConfigureAwait(false);
        }
        catch (NoNodeException)
        {
            await zk.CreateRecursiveAsync(path, data, CreateMode.Persistent, ct).ConfigureAwait(false);
        }

        await zk.CreateAsync(ConfigChangeZNode.Prefix, new ConfigChangeZNode($"brokers/{entity}").Encode(), CreateMode.PersistentSequential, ct).ConfigureAwait(false);
    }
}
