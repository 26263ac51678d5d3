using System.Collections.Concurrent;
using Broker.TestKit.ZooKeeper;

namespace Broker.ZooKeeper.Tests;

/// <summary>Reconnection, failover and session expiry against real servers that are killed or partitioned.</summary>
[TestFixture]
public sealed class ZooKeeperClientResilienceTests
{
    private readonly List<IAsyncDisposable> _disposables = [];
    private string _root = null!;

    [SetUp]
    public void SetUp() => _root = "/r-" + Guid.NewGuid().ToString("N")[..8];

    [TearDown]
    public async Task TearDownAsync()
    {
        for (var i = _disposables.Count - 1; i >= 0; i--)
        {
            await _disposables[i].DisposeAsync();
        }

        _disposables.Clear();
        // Leave the shared servers serving for the next test.
        if (!ZooKeeperServers.Standalone.IsRunning)
        {
            await ZooKeeperServers.Standalone.StartAsync();
        }

        for (var i = 0; i < ZooKeeperServers.Ensemble.Count; i++)
        {
            if (!ZooKeeperServers.Ensemble.IsRunning(i))
            {
                await ZooKeeperServers.Ensemble.StartAsync(i);
            }
        }
    }

    [Test]
    public async Task StandaloneRestart_ClientReconnectsInSameSession_AndWatchesSurvive()
    {
        var server = ZooKeeperServers.Standalone;
        // Long enough that a JVM restart on a busy CI machine never outlives the session.
        var client = await ConnectAsync(server.ConnectString, TimeSpan.FromSeconds(40));
        var states = RecordStates(client);
        await client.CreateAsync(_root, ReadOnlyMemory<byte>.Empty);
        await client.CreateAsync($"{_root}/eph", ReadOnlyMemory<byte>.Empty, CreateMode.Ephemeral);
        var watch = new WatchRecorder();
        await client.GetDataAsync(_root, watch.OnEvent);
        var sessionId = client.SessionId;

        server.Kill();
        await Eventually.UntilAsync(() => client.State != ZooKeeperState.Connected, "the client notices the crash");
        await server.StartAsync();
        // A JVM restart plus the client's backoff can take a while on a busy machine; the session (40 s) outlives it.
        await Eventually.UntilAsync(() => client.State == ZooKeeperState.Connected, "the client reconnects", TimeSpan.FromSeconds(35));
        var other = await ConnectAsync(server.ConnectString);
        await other.SetDataAsync(_root, "changed"u8.ToArray());
        await watch.WaitForCountAsync(1);

        Assert.Multiple(async () =>
        {
            Assert.That(client.SessionId, Is.EqualTo(sessionId));
            Assert.That((await client.ExistsAsync($"{_root}/eph"))!.EphemeralOwner, Is.EqualTo(sessionId));
            Assert.That(watch.Events.Single(), Is.EqualTo(new WatchedEvent(WatchedEventType.NodeDataChanged, ZooKeeperState.Connected, _root)));
            Assert.That(states, Does.Contain(ZooKeeperState.Disconnected));
            Assert.That(states, Does.Not.Contain(ZooKeeperState.Expired));
        });
    }

    [Test]
    public async Task EnsembleMemberKilled_ClientFailsOverInSameSession()
    {
        var ensemble = ZooKeeperServers.Ensemble;
        var client = await ConnectAsync(ensemble.ConnectString, TimeSpan.FromSeconds(6));
        await client.CreateAsync(_root, ReadOnlyMemory<byte>.Empty);
        await client.CreateAsync($"{_root}/eph", ReadOnlyMemory<byte>.Empty, CreateMode.Ephemeral);
        var watch = new WatchRecorder();
        await client.GetChildrenAsync(_root, watch.OnEvent);
        var sessionId = client.SessionId;
        var victim = ensemble.IndexOf(client.ConnectedServer!);
        Assert.That(victim, Is.Not.Negative);

        ensemble.Kill(victim);
        await Eventually.UntilAsync(
            () => client.State == ZooKeeperState.Connected && ensemble.IndexOf(client.ConnectedServer ?? "") is var i && i >= 0 && i != victim,
            "the client reconnects to a surviving member");
        await Eventually.UntilAsync(async () => await client.ExistsAsync($"{_root}/eph") is not null, "a read succeeds after fail-over");
        var created = await CreateWithRetryAsync(client, $"{_root}/after");
        await watch.WaitForCountAsync(1);

        Assert.Multiple(async () =>
        {
            Assert.That(client.SessionId, Is.EqualTo(sessionId));
            Assert.That((await client.ExistsAsync($"{_root}/eph"))!.EphemeralOwner, Is.EqualTo(sessionId));
            Assert.That(created, Is.EqualTo($"{_root}/after"));
            Assert.That(watch.Events.Single().Type, Is.EqualTo(WatchedEventType.NodeChildrenChanged));
        });
    }

    [Test]
    public async Task SessionExpiresDuringPartition_ClientReportsExpired_AndReestablishesNewSession()
    {
        var server = ZooKeeperServers.Standalone;
        await using var proxy = new TcpFaultProxy(server.Port);
        var observer = await ConnectAsync(server.ConnectString);
        await observer.CreateAsync(_root, ReadOnlyMemory<byte>.Empty);
        // Minimum timeout (2 ticks): the server expires the partitioned session quickly.
        var client = await ConnectAsync(proxy.ConnectString, TimeSpan.FromSeconds(1));
        var states = RecordStates(client);
        var lease = $"{_root}/lease";
        var reestablished = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.SessionReestablished += async () =>
        {
            await client.CreateAsync(lease, ReadOnlyMemory<byte>.Empty, CreateMode.Ephemeral);
            reestablished.TrySetResult(client.SessionId);
        };
        await client.CreateAsync(lease, ReadOnlyMemory<byte>.Empty, CreateMode.Ephemeral);
        var watch = new WatchRecorder();
        await client.ExistsAsync($"{_root}/never", watch.OnEvent);
        var oldSession = client.SessionId;

        proxy.Block();
        await Eventually.UntilAsync(async () => await observer.ExistsAsync(lease) is null, "the server expires the partitioned session");
        proxy.Unblock();
        var newSession = await Eventually.WithinAsync(reestablished.Task, "the session to be re-established");
        await watch.WaitForCountAsync(1);

        Assert.Multiple(async () =>
        {
            Assert.That(newSession, Is.Not.EqualTo(oldSession).And.Not.Zero);
            Assert.That(states, Does.Contain(ZooKeeperState.Expired));
            Assert.That(states[^1], Is.EqualTo(ZooKeeperState.Connected));
            Assert.That((await observer.ExistsAsync(lease))!.EphemeralOwner, Is.EqualTo(newSession));
            Assert.That(watch.Events.Single(), Is.EqualTo(new WatchedEvent(WatchedEventType.None, ZooKeeperState.Expired, null)));
        });
    }

    [Test]
    public async Task SessionExpired_WithoutAutoReestablish_OperationsThrowSessionExpired()
    {
        var server = ZooKeeperServers.Standalone;
        await using var proxy = new TcpFaultProxy(server.Port);
        var observer = await ConnectAsync(server.ConnectString);
        await observer.CreateAsync(_root, ReadOnlyMemory<byte>.Empty);
        var client = await ConnectAsync(proxy.ConnectString, TimeSpan.FromSeconds(1), autoReestablish: false);
        await client.CreateAsync($"{_root}/lease", ReadOnlyMemory<byte>.Empty, CreateMode.Ephemeral);

        proxy.Block();
        await Eventually.UntilAsync(async () => await observer.ExistsAsync($"{_root}/lease") is null, "the server expires the session");
        proxy.Unblock();
        await Eventually.UntilAsync(() => client.State == ZooKeeperState.Expired, "the client learns of the expiry");

        Assert.ThrowsAsync<SessionExpiredException>(() => client.ExistsAsync(_root));
    }

    [Test]
    public async Task InFlightRequests_FailWithConnectionLoss_WhenConnectionDrops()
    {
        var server = ZooKeeperServers.Standalone;
        await using var proxy = new TcpFaultProxy(server.Port);
        var client = await ConnectAsync(proxy.ConnectString, TimeSpan.FromSeconds(10));
        await client.CreateAsync(_root, ReadOnlyMemory<byte>.Empty);
        var outcomes = new ConcurrentBag<Exception?>();

        var load = Enumerable.Range(0, 300).Select(async i =>
        {
            try
            {
                await client.SetDataAsync(_root, BitConverter.GetBytes(i));
                outcomes.Add(null);
            }
            catch (Exception e)
            {
                outcomes.Add(e);
            }
        }).ToList();
        proxy.Block();
        proxy.Unblock();
        await Task.WhenAll(load);

        Assert.That(outcomes.Where(e => e is not null), Is.All.InstanceOf<ConnectionLossException>());
        await Eventually.UntilAsync(async () => await client.ExistsAsync(_root) is not null, "the client recovers after the drop");
    }

    /// <summary>
    /// ZOOKEEPER-706: after a reconnect the client re-arms its watches with SetWatches. 3,000 watched paths of ~400
    /// characters (1.2 MB) in one packet exceed the server's jute.maxbuffer (1 MB): the server drops the connection,
    /// and the watches are lost. Split into bounded packets, every watch survives the reconnect.
    /// </summary>
    [Test]
    public async Task ManyLongWatchedPaths_SurviveReconnect_AndFire()
    {
        var server = ZooKeeperServers.Standalone;
        await using var proxy = new TcpFaultProxy(server.Port);
        var observer = await ConnectAsync(server.ConnectString);
        await observer.CreateAsync(_root, ReadOnlyMemory<byte>.Empty);
        var client = await ConnectAsync(proxy.ConnectString, TimeSpan.FromSeconds(30));
        var paths = Enumerable.Range(0, 3000).Select(i => $"{_root}/{i:D4}-" + new string('w', 390)).ToList();
        var watch = new WatchRecorder();
        foreach (var chunk in paths.Chunk(500))
        {
            await Task.WhenAll(chunk.Select(p => client.ExistsAsync(p, watch.OnEvent)));
        }

        var sessionId = client.SessionId;
        proxy.Block();
        await Eventually.UntilAsync(() => Task.FromResult(client.State != ZooKeeperState.Connected), "the client notices the drop");
        proxy.Unblock();
        await Eventually.UntilAsync(() => Task.FromResult(client.State == ZooKeeperState.Connected), "the client reconnects");
        // Created after the reconnect, so only watches the server re-armed from SetWatches can fire.
        var created = new[] { paths[0], paths[1500], paths[^1] };
        foreach (var p in created)
        {
            await observer.CreateAsync(p, ReadOnlyMemory<byte>.Empty);
        }

        await watch.WaitForCountAsync(created.Length);
        Assert.Multiple(() =>
        {
            Assert.That(client.SessionId, Is.EqualTo(sessionId));
            Assert.That(watch.Events.Select(e => e.Path), Is.EquivalentTo(created));
            Assert.That(watch.Events.Select(e => e.Type), Is.All.EqualTo(WatchedEventType.NodeCreated));
            Assert.That(client.State, Is.EqualTo(ZooKeeperState.Connected), "the connection stays up after SetWatches");
        });
    }

    private async Task<ZooKeeperClient> ConnectAsync(string connectString, TimeSpan? sessionTimeout = null, bool autoReestablish = true)
    {
        var client = new ZooKeeperClient(new ZooKeeperClientOptions
        {
            ConnectString = connectString,
            SessionTimeout = sessionTimeout ?? TimeSpan.FromSeconds(4),
            ConnectionTimeout = TimeSpan.FromSeconds(15),
            AutoReestablishSession = autoReestablish,
        });
        _disposables.Add(client);
        await client.ConnectAsync();
        return client;
    }

    private static List<ZooKeeperState> RecordStates(ZooKeeperClient client)
    {
        var states = new List<ZooKeeperState>();
        client.StateChanged += state =>
        {
            lock (states)
            {
                states.Add(state);
            }
        };
        return states;
    }

    private static async Task<string> CreateWithRetryAsync(ZooKeeperClient client, string path)
    {
        while (true)
        {
            try
            {
                return await client.CreateAsync(path, ReadOnlyMemory<byte>.Empty);
            }
            catch (ConnectionLossException)
            {
            }
            catch (NodeExistsException)
            {
                return path; // the lost attempt was applied
            }
        }
    }
}
