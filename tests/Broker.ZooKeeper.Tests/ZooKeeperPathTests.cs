namespace Broker.ZooKeeper.Tests;

public sealed class ZooKeeperPathTests
{
    [TestCase("", "/a", "/a")]
    [TestCase("/chroot", "/", "/chroot")]
    [TestCase("/chroot", "/a/b", "/chroot/a/b")]
    public void ToServer_PrependsChroot(string chroot, string client, string server) =>
        Assert.That(ZooKeeperPath.ToServer(chroot, client), Is.EqualTo(server));

    [TestCase("/chroot", "/chroot", "/")]
    [TestCase("/chroot", "/chroot/a", "/a")]
    [TestCase("/chroot", "/chrootx/a", "/chrootx/a")]
    [TestCase("", "/a", "/a")]
    public void ToClient_StripsChroot(string chroot, string server, string client) =>
        Assert.That(ZooKeeperPath.ToClient(chroot, server), Is.EqualTo(client));

    [TestCase("a")]
    [TestCase("/a/")]
    [TestCase("/a//b")]
    [TestCase("/a/../b")]
    public void Validate_RejectsMalformedPaths(string path) =>
        Assert.Throws<ArgumentException>(() => ZooKeeperPath.Validate(path));

    [Test]
    public void Validate_AllowsTrailingSlashForSequentialCreate() =>
        Assert.DoesNotThrow(() => ZooKeeperPath.Validate("/queue/", sequential: true));
}
