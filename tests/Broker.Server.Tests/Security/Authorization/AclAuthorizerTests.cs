using System.Collections.Immutable;
using Broker.Coordination.Acls;
using Broker.Server.Security.Authorization;

namespace Broker.Server.Tests.Security.Authorization;

/// <summary>Kafka's AclAuthorizer rules, decision by decision, over a fixed set of ACLs.</summary>
public sealed class AclAuthorizerTests
{
    private const string Alice = "User:alice", Bob = "User:bob", Host = "10.0.0.5";

    private static AclAuthorizer Over(bool allowEveryone, params (ResourcePattern Pattern, AclEntry Entry)[] acls)
    {
        var map = acls.GroupBy(a => a.Pattern).ToImmutableDictionary(g => g.Key, g => g.Select(a => a.Entry).ToImmutableArray());
        return new AclAuthorizer(() => map, new HashSet<string> { "User:admin" }, allowEveryone);
    }

    private static ResourcePattern Topic(string name, AclPatternType type = AclPatternType.Literal) => new(AclResourceType.Topic, name, type);

    private static AclEntry Allow(string principal, AclOperation op, string host = "*") => new(principal, host, op, AclPermission.Allow);

    private static AclEntry Deny(string principal, AclOperation op, string host = "*") => new(principal, host, op, AclPermission.Deny);

    [Test]
    public void NoAcls_FollowAllowEveryoneIfNoAclFound()
    {
        Assert.That(Over(false).Authorize(Alice, Host, AclOperation.Read, AclResourceType.Topic, "t"), Is.False);
        Assert.That(Over(true).Authorize(Alice, Host, AclOperation.Read, AclResourceType.Topic, "t"), Is.True);
        // A resource with ACLs (for somebody else) is no longer "no ACL found".
        Assert.That(Over(true, (Topic("t"), Allow(Bob, AclOperation.Read))).Authorize(Alice, Host, AclOperation.Read, AclResourceType.Topic, "t"), Is.False);
    }

    [Test]
    public void SuperUser_BypassesEvenADeny() =>
        Assert.That(Over(false, (Topic("t"), Deny("User:*", AclOperation.All))).Authorize("User:admin", Host, AclOperation.Write, AclResourceType.Topic, "t"), Is.True);

    [Test]
    public void DenyBeatsAllow()
    {
        var a = Over(false, (Topic("t"), Allow(Alice, AclOperation.All)), (Topic("t"), Deny(Alice, AclOperation.Write)));
        Assert.That(a.Authorize(Alice, Host, AclOperation.Write, AclResourceType.Topic, "t"), Is.False);
        Assert.That(a.Authorize(Alice, Host, AclOperation.Read, AclResourceType.Topic, "t"), Is.True);
    }

    [TestCase(AclOperation.Read, AclOperation.Describe, true)]
    [TestCase(AclOperation.Write, AclOperation.Describe, true)]
    [TestCase(AclOperation.Delete, AclOperation.Describe, true)]
    [TestCase(AclOperation.Alter, AclOperation.Describe, true)]
    [TestCase(AclOperation.AlterConfigs, AclOperation.DescribeConfigs, true)]
    [TestCase(AclOperation.Create, AclOperation.Describe, false)]
    [TestCase(AclOperation.Describe, AclOperation.Read, false)]
    [TestCase(AclOperation.Write, AclOperation.Read, false)]
    [TestCase(AclOperation.All, AclOperation.IdempotentWrite, true)]
    public void ImpliedOperations(AclOperation granted, AclOperation asked, bool allowed) =>
        Assert.That(Over(false, (Topic("t"), Allow(Alice, granted))).Authorize(Alice, Host, asked, AclResourceType.Topic, "t"), Is.EqualTo(allowed));

    [Test]
    public void DenyOfRead_DoesNotDenyDescribe_ButDenyOfDescribeDoes()
    {
        var a = Over(false, (Topic("t"), Allow(Alice, AclOperation.Write)), (Topic("t"), Deny(Alice, AclOperation.Read)));
        Assert.That(a.Authorize(Alice, Host, AclOperation.Describe, AclResourceType.Topic, "t"), Is.True);
        a = Over(false, (Topic("t"), Allow(Alice, AclOperation.Write)), (Topic("t"), Deny(Alice, AclOperation.Describe)));
        Assert.That(a.Authorize(Alice, Host, AclOperation.Describe, AclResourceType.Topic, "t"), Is.False);
    }

    [Test]
    public void WildcardPrincipal_WildcardResource_AndPrefixes()
    {
        var a = Over(false,
            (Topic("*"), Allow("User:*", AclOperation.Describe)),
            (Topic("team-", AclPatternType.Prefixed), Allow(Alice, AclOperation.Read)),
            (Topic("team-secret", AclPatternType.Prefixed), Deny("User:*", AclOperation.Read)));
        Assert.That(a.Authorize(Bob, Host, AclOperation.Describe, AclResourceType.Topic, "anything"), Is.True);
        Assert.That(a.Authorize(Alice, Host, AclOperation.Read, AclResourceType.Topic, "team-a"), Is.True);
        Assert.That(a.Authorize(Alice, Host, AclOperation.Read, AclResourceType.Topic, "team-secret-1"), Is.False);
        Assert.That(a.Authorize(Alice, Host, AclOperation.Read, AclResourceType.Topic, "other"), Is.False);
        Assert.That(a.Authorize(Alice, Host, AclOperation.Read, AclResourceType.Group, "team-a"), Is.False, "other resource type");
    }

    [Test]
    public void HostMustMatch()
    {
        var a = Over(false, (Topic("t"), Allow(Alice, AclOperation.Read, "10.0.0.5")));
        Assert.That(a.Authorize(Alice, "10.0.0.5", AclOperation.Read, AclResourceType.Topic, "t"), Is.True);
        Assert.That(a.Authorize(Alice, "10.0.0.6", AclOperation.Read, AclResourceType.Topic, "t"), Is.False);
    }

    [Test]
    public void AuthorizeAny_FollowsKafkasAuthorizeByResourceType()
    {
        Assert.That(Over(false, (Topic("t"), Allow(Alice, AclOperation.Write))).AuthorizeAny(Alice, Host, AclOperation.Write, AclResourceType.Topic), Is.True);
        Assert.That(Over(false, (Topic("t"), Allow(Alice, AclOperation.Read))).AuthorizeAny(Alice, Host, AclOperation.Write, AclResourceType.Topic), Is.False);
        Assert.That(Over(false, (Topic("t"), Allow(Alice, AclOperation.Write)), (Topic("t"), Deny(Alice, AclOperation.Write)))
            .AuthorizeAny(Alice, Host, AclOperation.Write, AclResourceType.Topic), Is.False);
        Assert.That(Over(false, (Topic("t"), Allow(Alice, AclOperation.Write)), (Topic("t", AclPatternType.Prefixed), Deny(Alice, AclOperation.Write)))
            .AuthorizeAny(Alice, Host, AclOperation.Write, AclResourceType.Topic), Is.False);
        Assert.That(Over(true, (Topic("*"), Deny(Alice, AclOperation.Write))).AuthorizeAny(Alice, Host, AclOperation.Write, AclResourceType.Topic), Is.False);
        Assert.That(Over(true).AuthorizeAny(Alice, Host, AclOperation.Write, AclResourceType.Topic), Is.True);
    }

    [Test]
    public void KafkaToString_AsKafkaAclsPrintsIt()
    {
        Assert.That(Topic("orders").ToString(), Is.EqualTo("ResourcePattern(resourceType=TOPIC, name=orders, patternType=LITERAL)"));
        Assert.That(new ResourcePattern(AclResourceType.TransactionalId, "tx", AclPatternType.Prefixed).ToString(),
            Is.EqualTo("ResourcePattern(resourceType=TRANSACTIONAL_ID, name=tx, patternType=PREFIXED)"));
        Assert.That(Allow(Alice, AclOperation.ClusterAction).ToString(),
            Is.EqualTo("(principal=User:alice, host=*, operation=CLUSTER_ACTION, permissionType=ALLOW)"));
        Assert.That(AclNames.Parse<AclOperation>("describe-configs".Replace("-", "")), Is.EqualTo(AclOperation.DescribeConfigs));
        Assert.That(AclNames.Parse<AclOperation>("IDEMPOTENT_WRITE"), Is.EqualTo(AclOperation.IdempotentWrite));
    }
}
