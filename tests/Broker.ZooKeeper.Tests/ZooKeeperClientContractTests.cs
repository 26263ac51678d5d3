using System.Text;

namespace Broker.ZooKeeper.Tests;

/// <summary>
/// Behaviour every ZooKeeper deployment must show through <see cref="ZooKeeperClient"/>. Runs once against a
/// standalone server and once against a 3-server ensemble. Each test works under its own random root node.
/// </summary>
public abstract partial class ZooKeeperClientContractTests
{
    protected static readonly TimeSpan SessionTimeout = TimeSpan.FromSeconds(4);

    private readonly List<ZooKeeperClient> _clients = [];

    protected ZooKeeperClient Client { get; private set; } = null!;

    /// <summary>Per-test root, e.g. "/t-1a2b3c4d".</summary>
    protected string Root { get; private set; } = null!;

    protected abstract string ConnectString { get; }

    [SetUp]
    public async Task SetUpAsync()
    {
        Root = "/t-" + Guid.NewGuid().ToString("N")[..8];
        Client = await ConnectAsync();
        await Client.CreateAsync(Root, ReadOnlyMemory<byte>.Empty);
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        _clients.Clear();
    }

    protected async Task<ZooKeeperClient> ConnectAsync(string? connectString = null, bool autoReestablish = true)
    {
        var client = new ZooKeeperClient(new ZooKeeperClientOptions
        {
            ConnectString = connectString ?? ConnectString,
            SessionTimeout = SessionTimeout,
            ConnectionTimeout = TimeSpan.FromSeconds(15),
            AutoReestablishSession = autoReestablish,
        });
        _clients.Add(client);
        await client.ConnectAsync();
        return client;
    }

    protected static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    protected static string Text(byte[] data) => Encoding.UTF8.GetString(data);
}

[TestFixture]
public sealed class StandaloneZooKeeperClientContractTests : ZooKeeperClientContractTests
{
    protected override string ConnectString => ZooKeeperServers.Standalone.ConnectString;
}

[TestFixture]
public sealed class EnsembleZooKeeperClientContractTests : ZooKeeperClientContractTests
{
    protected override string ConnectString => ZooKeeperServers.Ensemble.ConnectString;
}
