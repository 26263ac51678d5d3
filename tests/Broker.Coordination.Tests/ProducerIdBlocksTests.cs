using Broker.Coordination.ZNodes;
using Broker.TestKit.ZooKeeper;
using Broker.ZooKeeper;

namespace Broker.Coordination.Tests;

/// <summary>Producer id blocks claimed from a real ZooKeeper (started once for this fixture).</summary>
[TestFixture]
public class ProducerIdBlocksTests
{
    private ZooKeeperServer _server = null!;
    private readonly List<ZooKeeperClient> _clients = [];

    [OneTimeSetUp]
    public async Task StartZooKeeperAsync() => _server = await ZooKeeperServer.LaunchAsync();

    [OneTimeTearDown]
    public void StopZooKeeper() => _server.Dispose();

    [SetUp]
    public async Task ResetZnodeAsync()
    {
        ZooKeeperClient zk = await ConnectAsync();
        try
        {
            await zk.DeleteAsync(ProducerIdBlockZNode.Path);
        }
        catch (NoNodeException)
        {
        }
    }

    [TearDown]
    public async Task CloseClientsAsync()
    {
        foreach (ZooKeeperClient client in _clients)
        {
            await client.DisposeAsync();
        }

        _clients.Clear();
    }

    [Test]
    public async Task ClaimNext_MissingZnode_CreatesFirstBlock()
    {
        ZooKeeperClient zk = await ConnectAsync();

        ProducerIdBlockZNode block = await ProducerIdBlocks.ClaimNextAsync(zk, brokerId: 3);

        Assert.That(block, Is.EqualTo(new ProducerIdBlockZNode(3, 0, 999)));
        var (data, _) = await zk.GetDataAsync(ProducerIdBlockZNode.Path);
        Assert.That(ProducerIdBlockZNode.Decode(data), Is.EqualTo(block));
    }

    [Test]
    public async Task ClaimNext_EmptyZnode_IsFirstBlock_ThenBlocksFollow()
    {
        ZooKeeperClient zk = await ConnectAsync();
        await zk.CreateAsync(ProducerIdBlockZNode.Path, ReadOnlyMemory<byte>.Empty);

        ProducerIdBlockZNode first = await ProducerIdBlocks.ClaimNextAsync(zk, brokerId: 1);
        ProducerIdBlockZNode second = await ProducerIdBlocks.ClaimNextAsync(zk, brokerId: 2);

        Assert.That(first, Is.EqualTo(new ProducerIdBlockZNode(1, 0, 999)));
        Assert.That(second, Is.EqualTo(new ProducerIdBlockZNode(2, 1000, 1999)));
    }

    [Test]
    public async Task ClaimNext_ExistingKafkaBlock_Continues()
    {
        ZooKeeperClient zk = await ConnectAsync();
        await zk.CreateAsync(ProducerIdBlockZNode.Path, "{\"version\":1,\"broker\":0,\"block_start\":\"5000\",\"block_end\":\"5999\"}"u8.ToArray());

        ProducerIdBlockZNode block = await ProducerIdBlocks.ClaimNextAsync(zk, brokerId: 1);

        Assert.That((block.BlockStart, block.BlockEnd), Is.EqualTo((6000L, 6999L)));
    }

    [Test]
    public async Task ClaimNext_TwoBrokersRacing_NeverOverlap()
    {
        ZooKeeperClient a = await ConnectAsync();
        ZooKeeperClient b = await ConnectAsync();

        Task<ProducerIdBlockZNode[]> claimsA = ClaimManyAsync(a, brokerId: 1, count: 25);
        Task<ProducerIdBlockZNode[]> claimsB = ClaimManyAsync(b, brokerId: 2, count: 25);
        ProducerIdBlockZNode[] all = [.. await claimsA, .. await claimsB];

        Assert.That(all.Select(x => x.BlockStart).Distinct().Count(), Is.EqualTo(50));
        ProducerIdBlockZNode[] sorted = [.. all.OrderBy(x => x.BlockStart)];
        for (int i = 0; i < sorted.Length; i++)
        {
            Assert.That((sorted[i].BlockStart, sorted[i].BlockEnd), Is.EqualTo((i * 1000L, (i * 1000L) + 999)));
        }
    }

    private static async Task<ProducerIdBlockZNode[]> ClaimManyAsync(ZooKeeperClient zk, int brokerId, int count)
    {
        var claimed = new ProducerIdBlockZNode[count];
        for (int i = 0; i < count; i++)
        {
            claimed[i] = await ProducerIdBlocks.ClaimNextAsync(zk, brokerId);
        }

        return claimed;
    }

    private async Task<ZooKeeperClient> ConnectAsync()
    {
        var client = new ZooKeeperClient(new ZooKeeperClientOptions
        {
            ConnectString = _server.ConnectString,
            SessionTimeout = TimeSpan.FromSeconds(6),
            ConnectionTimeout = TimeSpan.FromSeconds(15),
        });
        _clients.Add(client);
        await client.ConnectAsync();
        return client;
    }
}
