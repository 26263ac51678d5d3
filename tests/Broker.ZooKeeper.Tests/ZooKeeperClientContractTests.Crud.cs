namespace Broker.ZooKeeper.Tests;

public abstract partial class ZooKeeperClientContractTests
{
    [Test]
    public void Connect_NegotiatesSession()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Client.State, Is.EqualTo(ZooKeeperState.Connected));
            Assert.That(Client.SessionId, Is.Not.Zero);
            Assert.That(Client.NegotiatedSessionTimeout, Is.EqualTo(SessionTimeout));
            Assert.That(Client.ConnectedServer, Is.Not.Null);
        });
    }

    [Test]
    public async Task Create_AllModes_CreatesNodesWithExpectedOwnership()
    {
        var persistent = await Client.CreateAsync($"{Root}/p", Bytes("p"), CreateMode.Persistent);
        var ephemeral = await Client.CreateAsync($"{Root}/e", Bytes("e"), CreateMode.Ephemeral);
        var persistentSequential = await Client.CreateAsync($"{Root}/ps-", Bytes("ps"), CreateMode.PersistentSequential);
        var ephemeralSequential = await Client.CreateAsync($"{Root}/es-", Bytes("es"), CreateMode.EphemeralSequential);

        Assert.Multiple(async () =>
        {
            Assert.That(persistent, Is.EqualTo($"{Root}/p"));
            Assert.That(ephemeral, Is.EqualTo($"{Root}/e"));
            Assert.That(persistentSequential, Does.Match($"^{Root}/ps-\\d{{10}}$"));
            Assert.That(ephemeralSequential, Does.Match($"^{Root}/es-\\d{{10}}$"));
            Assert.That((await Client.ExistsAsync(persistent))!.EphemeralOwner, Is.Zero);
            Assert.That((await Client.ExistsAsync(persistentSequential))!.EphemeralOwner, Is.Zero);
            Assert.That((await Client.ExistsAsync(ephemeral))!.EphemeralOwner, Is.EqualTo(Client.SessionId));
            Assert.That((await Client.ExistsAsync(ephemeralSequential))!.EphemeralOwner, Is.EqualTo(Client.SessionId));
            Assert.That(Text((await Client.GetDataAsync(persistentSequential)).Data), Is.EqualTo("ps"));
        });
    }

    [Test]
    public async Task Create_Sequential_AppendsIncreasingCounterPerParent()
    {
        var first = await Client.CreateAsync($"{Root}/n-", Bytes(""), CreateMode.PersistentSequential);
        var second = await Client.CreateAsync($"{Root}/n-", Bytes(""), CreateMode.PersistentSequential);
        var third = await Client.CreateAsync($"{Root}/other-", Bytes(""), CreateMode.EphemeralSequential);

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.EqualTo($"{Root}/n-0000000000"));
            Assert.That(second, Is.EqualTo($"{Root}/n-0000000001"));
            Assert.That(third, Is.EqualTo($"{Root}/other-0000000002"));
        });
    }

    [Test]
    public async Task Create_Failures_MapToTypedExceptionsWithPath()
    {
        await Client.CreateAsync($"{Root}/x", Bytes(""));
        await Client.CreateAsync($"{Root}/eph", Bytes(""), CreateMode.Ephemeral);

        var exists = Assert.ThrowsAsync<NodeExistsException>(() => Client.CreateAsync($"{Root}/x", Bytes("")));
        var noParent = Assert.ThrowsAsync<NoNodeException>(() => Client.CreateAsync($"{Root}/missing/child", Bytes("")));
        var underEphemeral = Assert.ThrowsAsync<NoChildrenForEphemeralsException>(() => Client.CreateAsync($"{Root}/eph/child", Bytes("")));

        Assert.Multiple(() =>
        {
            Assert.That(exists!.Code, Is.EqualTo(ZooKeeperErrorCode.NodeExists));
            Assert.That(exists.Message, Does.Contain($"{Root}/x"));
            Assert.That(noParent!.Path, Is.EqualTo($"{Root}/missing/child"));
            Assert.That(underEphemeral!.Code, Is.EqualTo(ZooKeeperErrorCode.NoChildrenForEphemerals));
        });
    }

    [Test]
    public async Task SetData_WithExpectedVersion_BumpsVersion_AndStaleVersionThrowsBadVersion()
    {
        await Client.CreateAsync($"{Root}/v", Bytes("0"));

        var stat = await Client.SetDataAsync($"{Root}/v", Bytes("1"), version: 0);
        var stale = Assert.ThrowsAsync<BadVersionException>(() => Client.SetDataAsync($"{Root}/v", Bytes("2"), version: 0));
        var any = await Client.SetDataAsync($"{Root}/v", Bytes("3"));
        var (data, readStat) = await Client.GetDataAsync($"{Root}/v");

        Assert.Multiple(() =>
        {
            Assert.That(stat.Version, Is.EqualTo(1));
            Assert.That(stat.DataLength, Is.EqualTo(1));
            Assert.That(stale!.Path, Is.EqualTo($"{Root}/v"));
            Assert.That(any.Version, Is.EqualTo(2));
            Assert.That(Text(data), Is.EqualTo("3"));
            Assert.That(readStat, Is.EqualTo(any));
        });
    }

    [Test]
    public async Task Delete_ChecksVersionEmptinessAndExistence()
    {
        await Client.CreateAsync($"{Root}/d", Bytes(""));
        await Client.CreateAsync($"{Root}/d/child", Bytes(""));

        Assert.ThrowsAsync<NotEmptyException>(() => Client.DeleteAsync($"{Root}/d"));
        Assert.ThrowsAsync<BadVersionException>(() => Client.DeleteAsync($"{Root}/d/child", version: 7));
        await Client.DeleteAsync($"{Root}/d/child", version: 0);
        await Client.DeleteAsync($"{Root}/d");
        var missing = Assert.ThrowsAsync<NoNodeException>(() => Client.DeleteAsync($"{Root}/d"));

        Assert.Multiple(async () =>
        {
            Assert.That(missing!.Message, Does.Contain($"{Root}/d"));
            Assert.That(await Client.ExistsAsync($"{Root}/d"), Is.Null);
        });
    }

    [Test]
    public async Task ExistsGetDataGetChildren_ReturnConsistentStat()
    {
        await Client.CreateAsync($"{Root}/parent", Bytes("hello"));
        await Client.CreateAsync($"{Root}/parent/b", Bytes(""));
        await Client.CreateAsync($"{Root}/parent/a", Bytes(""));

        var exists = await Client.ExistsAsync($"{Root}/parent");
        var (data, dataStat) = await Client.GetDataAsync($"{Root}/parent");
        var (children, childrenStat) = await Client.GetChildrenAsync($"{Root}/parent");

        Assert.Multiple(async () =>
        {
            Assert.That(exists, Is.Not.Null);
            Assert.That(exists!.NumChildren, Is.EqualTo(2));
            Assert.That(exists.DataLength, Is.EqualTo(5));
            Assert.That(exists.Cversion, Is.EqualTo(2));
            Assert.That(exists.Ctime, Is.GreaterThan(0));
            Assert.That(Text(data), Is.EqualTo("hello"));
            Assert.That(dataStat, Is.EqualTo(exists));
            Assert.That(childrenStat, Is.EqualTo(exists));
            Assert.That(children, Is.EquivalentTo(new[] { "a", "b" }));
            Assert.That(await Client.ExistsAsync($"{Root}/nope"), Is.Null);
            Assert.ThrowsAsync<NoNodeException>(() => Client.GetDataAsync($"{Root}/nope"));
            Assert.ThrowsAsync<NoNodeException>(() => Client.GetChildrenAsync($"{Root}/nope"));
        });
    }

    [Test]
    public async Task EnsurePathAndCreateRecursive_CreateMissingAncestors()
    {
        await Client.EnsurePathAsync($"{Root}/a/b/c");
        await Client.EnsurePathAsync($"{Root}/a/b/c");
        var created = await Client.CreateRecursiveAsync($"{Root}/x/y/z", Bytes("z"), CreateMode.Ephemeral);

        Assert.Multiple(async () =>
        {
            Assert.That(await Client.ExistsAsync($"{Root}/a/b/c"), Is.Not.Null);
            Assert.That(created, Is.EqualTo($"{Root}/x/y/z"));
            Assert.That((await Client.ExistsAsync($"{Root}/x/y"))!.EphemeralOwner, Is.Zero);
        });
    }

    [Test]
    public async Task ConcurrentRequests_FromManyThreads_AllComplete()
    {
        var tasks = Enumerable.Range(0, 200).Select(i => Task.Run(() =>
            Client.CreateAsync($"{Root}/c{i}", Bytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)))));
        await Task.WhenAll(tasks);

        var reads = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => Client.GetDataAsync($"{Root}/c{i}"))));
        var (children, _) = await Client.GetChildrenAsync(Root);

        Assert.Multiple(() =>
        {
            Assert.That(children, Has.Count.EqualTo(200));
            for (var i = 0; i < reads.Length; i++)
            {
                Assert.That(Text(reads[i].Data), Is.EqualTo(i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }
        });
    }

    [Test]
    public async Task Ephemeral_DisappearsWhenOwningSessionCloses()
    {
        var owner = await ConnectAsync();
        await owner.CreateAsync($"{Root}/lease", Bytes(""), CreateMode.Ephemeral);
        var deleted = new TaskCompletionSource<WatchedEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        // In an ensemble the two clients may talk to different servers; wait until ours has applied the create.
        await Eventually.UntilAsync(async () => await Client.ExistsAsync($"{Root}/lease") is not null, "the lease is visible");
        Assert.That(await Client.ExistsAsync($"{Root}/lease", e => { deleted.TrySetResult(e); return Task.CompletedTask; }), Is.Not.Null);

        await owner.DisposeAsync();

        var watched = await Eventually.WithinAsync(deleted.Task, "the ephemeral to be deleted");
        Assert.Multiple(async () =>
        {
            Assert.That(owner.State, Is.EqualTo(ZooKeeperState.Closed));
            Assert.That(watched.Type, Is.EqualTo(WatchedEventType.NodeDeleted));
            Assert.That(await Client.ExistsAsync($"{Root}/lease"), Is.Null);
        });
    }

    [Test]
    public async Task Chroot_MakesPathsRelative_AndStripsReturnedPaths()
    {
        var chrooted = await ConnectAsync(ConnectString + Root);
        var recorder = new WatchRecorder();

        var created = await chrooted.CreateAsync("/seq-", Bytes("c"), CreateMode.PersistentSequential);
        await chrooted.ExistsAsync("/later", recorder.OnEvent);
        await Client.CreateAsync($"{Root}/later", Bytes(""));
        await recorder.WaitForCountAsync(1);
        var (rootChildren, _) = await chrooted.GetChildrenAsync("/");
        await Eventually.UntilAsync(async () => await Client.ExistsAsync(Root + created) is not null, "the chrooted node is visible at its full path");
        var (fullPathData, _) = await Client.GetDataAsync(Root + created);

        Assert.Multiple(() =>
        {
            Assert.That(created, Does.Match("^/seq-\\d{10}$"));
            Assert.That(Text(fullPathData), Is.EqualTo("c"));
            Assert.That(recorder.Events.Single(), Is.EqualTo(new WatchedEvent(WatchedEventType.NodeCreated, ZooKeeperState.Connected, "/later")));
            Assert.That(rootChildren, Is.EquivalentTo(new[] { created[1..], "later" }));
        });
    }
}
