using System.Text;
using Broker.Coordination.Acls;
using Broker.Coordination.Tests.Controller;
using Broker.Coordination.ZNodes;
using Broker.TestKit;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Coordination.Tests.Store;

/// <summary>
/// ACLs in Kafka's ZooKeeper layout against a real ZooKeeper: the resource node and notification bytes Kafka's
/// AclAuthorizer reads and writes, and a second broker's cache following the notifications of both stores.
/// </summary>
[Parallelizable(ParallelScope.Children)]
public sealed class AclStoreTests
{
    private static readonly AclEntry AliceRead = new("User:alice", "*", AclOperation.Read, AclPermission.Allow);
    private static readonly AclEntry BobDenyWrite = new("User:bob", "10.0.0.1", AclOperation.Write, AclPermission.Deny);

    [Test]
    public async Task LiteralAcl_IsWrittenInKafkasLayout_WithItsNotification()
    {
        await using var cluster = await ControllerHarness.StartAsync();
        var store = cluster.Admin;
        await store.EnsureAclPathsAsync();
        var topic = new ResourcePattern(AclResourceType.Topic, "orders", AclPatternType.Literal);
        await store.UpdateAclsAsync(topic, _ => [AliceRead]);

        var (data, _) = await store.Client.GetDataAsync("/kafka-acl/Topic/orders");
        Assert.That(Encoding.UTF8.GetString(data), Is.EqualTo(
            "{\"version\":1,\"acls\":[{\"principal\":\"User:alice\",\"permissionType\":\"Allow\",\"operation\":\"Read\",\"host\":\"*\"}]}"));
        var (changes, _) = await store.Client.GetChildrenAsync("/kafka-acl-changes");
        Assert.That(changes, Has.Count.EqualTo(1).And.All.Match("^acl_changes_\\d{10}$"));
        var (note, _) = await store.Client.GetDataAsync("/kafka-acl-changes/" + changes[0]);
        Assert.That(Encoding.UTF8.GetString(note), Is.EqualTo("TOPIC:orders"));
        foreach (var type in new[] { "Topic", "Group", "Cluster", "TransactionalId" })
            Assert.That(await store.Client.ExistsAsync("/kafka-acl/" + type), Is.Not.Null, type);
    }

    [Test]
    public async Task PrefixedAcl_IsWrittenUnderTheExtendedStore_AndAnEmptySetDeletesTheNode()
    {
        await using var cluster = await ControllerHarness.StartAsync();
        var store = cluster.Admin;
        var group = new ResourcePattern(AclResourceType.TransactionalId, "app-", AclPatternType.Prefixed);
        await store.UpdateAclsAsync(group, _ => [BobDenyWrite]);

        var (data, _) = await store.Client.GetDataAsync("/kafka-acl-extended/prefixed/TransactionalId/app-");
        Assert.That(AclZNodes.Decode("x", data), Is.EqualTo(new[] { BobDenyWrite }));
        var (changes, _) = await store.Client.GetChildrenAsync("/kafka-acl-extended-changes");
        var (note, _) = await store.Client.GetDataAsync("/kafka-acl-extended-changes/" + changes.Single());
        Assert.That(Encoding.UTF8.GetString(note), Is.EqualTo(
            "{\"version\":1,\"resourceType\":\"TRANSACTIONAL_ID\",\"name\":\"app-\",\"patternType\":\"PREFIXED\"}"));

        await store.UpdateAclsAsync(group, _ => []);
        Assert.That(await store.Client.ExistsAsync("/kafka-acl-extended/prefixed/TransactionalId/app-"), Is.Null);
    }

    [Test]
    public void KafkasNodes_AreRead_WhateverTheKeyOrderAndCase()
    {
        var written = "{\"version\": 1, \"acls\": [ { \"host\":\"host1\", \"permissionType\": \"Deny\",\"operation\": \"ClusterAction\",\"principal\": \"User:alice\"}]}";
        Assert.That(AclZNodes.Decode("x", Encoding.UTF8.GetBytes(written)),
            Is.EqualTo(new[] { new AclEntry("User:alice", "host1", AclOperation.ClusterAction, AclPermission.Deny) }));
        Assert.That(AclZNodes.DecodeChange(AclZNodes.LiteralChanges, Encoding.UTF8.GetBytes("Group:g1")),
            Is.EqualTo(new ResourcePattern(AclResourceType.Group, "g1", AclPatternType.Literal)));
        Assert.That(AclZNodes.DecodeChange(AclZNodes.LiteralChanges, Encoding.UTF8.GetBytes("TRANSACTIONAL_ID:a:b")),
            Is.EqualTo(new ResourcePattern(AclResourceType.TransactionalId, "a:b", AclPatternType.Literal)));
    }

    [Test]
    public async Task Cache_LoadsAtStart_AndFollowsBothChangeStores()
    {
        await using var cluster = await ControllerHarness.StartAsync();
        var literal = new ResourcePattern(AclResourceType.Topic, "before", AclPatternType.Literal);
        await cluster.Admin.UpdateAclsAsync(literal, _ => [AliceRead]);
        await using var client = await cluster.ConnectAsync();
        await using var cache = new AclCache(new KafkaZkStore(client), NullLogger<AclCache>.Instance);
        await cache.StartAsync(CancellationToken.None);
        Assert.That(cache.Snapshot[literal], Is.EqualTo(new[] { AliceRead }));

        var prefixed = new ResourcePattern(AclResourceType.Group, "team-", AclPatternType.Prefixed);
        await cluster.Admin.UpdateAclsAsync(prefixed, _ => [BobDenyWrite]);
        await Poll.UntilAsync(() => cache.Snapshot.ContainsKey(prefixed), ControllerHarness.Timeout, "the prefixed ACL to reach the cache");

        await cluster.Admin.UpdateAclsAsync(literal, c => [.. c, BobDenyWrite]);
        await Poll.UntilAsync(() => cache.Snapshot[literal].Length == 2, ControllerHarness.Timeout, "the added entry to reach the cache");
        await cluster.Admin.UpdateAclsAsync(literal, _ => []);
        await Poll.UntilAsync(() => !cache.Snapshot.ContainsKey(literal), ControllerHarness.Timeout, "the removed resource to leave the cache");
        Assert.That(cache.Snapshot.ContainsKey(prefixed), Is.True);
    }
}
