namespace Broker.ZooKeeper.Tests;

public abstract partial class ZooKeeperClientContractTests
{
    [Test]
    public async Task Multi_AllOperationsSucceed_ReturnsResultPerOperation()
    {
        await Client.CreateAsync($"{Root}/old", Bytes(""));
        await Client.CreateAsync($"{Root}/data", Bytes("0"));

        var results = await Client.MultiAsync(
        [
            ZooKeeperOp.Create($"{Root}/new", Bytes("n")),
            ZooKeeperOp.Create($"{Root}/seq-", Bytes(""), CreateMode.PersistentSequential),
            ZooKeeperOp.Check($"{Root}/data", 0),
            ZooKeeperOp.SetData($"{Root}/data", Bytes("1"), 0),
            ZooKeeperOp.Delete($"{Root}/old"),
        ]);

        Assert.Multiple(async () =>
        {
            Assert.That(results, Has.Count.EqualTo(5));
            Assert.That(results[0], Is.EqualTo(new OpResult.CreateResult($"{Root}/new")));
            Assert.That(((OpResult.CreateResult)results[1]).Path, Does.Match($"^{Root}/seq-\\d{{10}}$"));
            Assert.That(results[2], Is.InstanceOf<OpResult.CheckResult>());
            Assert.That(((OpResult.SetDataResult)results[3]).Stat.Version, Is.EqualTo(1));
            Assert.That(results[4], Is.InstanceOf<OpResult.DeleteResult>());
            Assert.That(await Client.ExistsAsync($"{Root}/old"), Is.Null);
            Assert.That(Text((await Client.GetDataAsync($"{Root}/data")).Data), Is.EqualTo("1"));
        });
    }

    [Test]
    public async Task Multi_OneOperationFails_NothingIsApplied()
    {
        await Client.CreateAsync($"{Root}/data", Bytes("0"));

        var failure = Assert.ThrowsAsync<BadVersionException>(() => Client.MultiAsync(
        [
            ZooKeeperOp.Create($"{Root}/new", Bytes("")),
            ZooKeeperOp.SetData($"{Root}/data", Bytes("1"), 0),
            ZooKeeperOp.Check($"{Root}/data", 5),
            ZooKeeperOp.Delete($"{Root}/data"),
        ]));

        Assert.Multiple(async () =>
        {
            Assert.That(failure!.Path, Is.EqualTo($"{Root}/data"));
            Assert.That(failure.MultiResults, Has.Count.EqualTo(4));
            Assert.That(failure.MultiResults!.All(r => r is OpResult.ErrorResult), Is.True);
            Assert.That(failure.MultiResults![2], Is.EqualTo(new OpResult.ErrorResult(ZooKeeperErrorCode.BadVersion)));
            Assert.That(await Client.ExistsAsync($"{Root}/new"), Is.Null);
            var (data, stat) = await Client.GetDataAsync($"{Root}/data");
            Assert.That(Text(data), Is.EqualTo("0"));
            Assert.That(stat.Version, Is.Zero);
        });
    }
}
