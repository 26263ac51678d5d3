using System.Text;
using Broker.Coordination.Tests.Controller;
using Broker.Coordination.ZNodes;
using Broker.TestKit;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Coordination.Tests.Store;

/// <summary>
/// SCRAM credentials in Kafka's layout against a real ZooKeeper: the znode and notification bytes Kafka's tooling
/// reads, and a second broker's cache following the notifications.
/// </summary>
[Parallelizable(ParallelScope.Children)]
public sealed class UserConfigCacheTests
{
    private const string Credential = "salt=AQI=,stored_key=Aw==,server_key=BA==,iterations=4096";

    [Test]
    public async Task WritesKafkasLayout_AndKeepsOtherKeys()
    {
        await using var cluster = await ControllerHarness.StartAsync();
        var store = cluster.Admin;
        await store.UpdateUserConfigAsync("alice", _ => new Dictionary<string, string> { ["producer_byte_rate"] = "1024" });
        await store.UpdateUserConfigAsync("alice", c => new Dictionary<string, string>(c) { ["SCRAM-SHA-256"] = Credential });

        var (data, _) = await store.Client.GetDataAsync("/config/users/alice");
        Assert.That(Encoding.UTF8.GetString(data), Is.EqualTo(
            "{\"version\":1,\"config\":{\"SCRAM-SHA-256\":\"" + Credential + "\",\"producer_byte_rate\":\"1024\"}}"));
        var (changes, _) = await store.Client.GetChildrenAsync("/config/changes");
        Assert.That(changes, Has.Count.EqualTo(2));
        Assert.That(changes, Has.All.Match("^config_change_\\d{10}$"));
        var (note, _) = await store.Client.GetDataAsync("/config/changes/" + changes.Max());
        Assert.That(Encoding.UTF8.GetString(note), Is.EqualTo("{\"version\":2,\"entity_path\":\"users/alice\"}"));
    }

    [Test]
    public async Task NamesAreSanitizedAsKafka()
    {
        Assert.That(UserConfigZNode.PathOf("alice"), Is.EqualTo("/config/users/alice"));
        Assert.That(UserConfigZNode.PathOf("CN=a b,O=x*~"), Is.EqualTo("/config/users/CN%3Da%20b%2CO%3Dx%2A~"));
        Assert.That(UserConfigZNode.Desanitize("CN%3Da%20b%2CO%3Dx%2A~"), Is.EqualTo("CN=a b,O=x*~"));
        await Task.CompletedTask;
    }

    [Test]
    public async Task DisposingTwice_IsHarmless_AsTheLifecycleAndTheContainerBothDispose()
    {
        await using var cluster = await ControllerHarness.StartAsync();
        await using var client = await cluster.ConnectAsync();
        var cache = new UserConfigCache(new KafkaZkStore(client), NullLogger<UserConfigCache>.Instance);
        await cache.StartAsync(CancellationToken.None);
        await cache.DisposeAsync();
        Assert.DoesNotThrowAsync(async () => await cache.DisposeAsync(), "before: ObjectDisposedException, and every SIGTERM exited 1");
    }

    [Test]
    public async Task CacheLoadsAtStart_AndFollowsNotifications()
    {
        await using var cluster = await ControllerHarness.StartAsync();
        await cluster.Admin.UpdateUserConfigAsync("before", _ => new Dictionary<string, string> { ["SCRAM-SHA-512"] = Credential });
        await using var client = await cluster.ConnectAsync();
        await using var cache = new UserConfigCache(new KafkaZkStore(client), NullLogger<UserConfigCache>.Instance);
        await cache.StartAsync(CancellationToken.None);
        Assert.That(cache.Get("before")?["SCRAM-SHA-512"], Is.EqualTo(Credential));
        Assert.That(cache.Get("alice"), Is.Null);

        await cluster.Admin.UpdateUserConfigAsync("alice", _ => new Dictionary<string, string> { ["SCRAM-SHA-256"] = Credential });
        await Poll.UntilAsync(() => cache.Get("alice") is not null, ControllerHarness.Timeout, "the new user to reach the cache");

        await cluster.Admin.UpdateUserConfigAsync("alice", _ => new Dictionary<string, string>());
        await Poll.UntilAsync(() => cache.Get("alice") is null, ControllerHarness.Timeout, "the deleted credential to leave the cache");
        Assert.That(cache.Get("before"), Is.Not.Null);
    }
}
