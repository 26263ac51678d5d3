using Broker.Server.Configuration;
using static Broker.Server.Tests.Configuration.ConfigTestFiles;

namespace Broker.Server.Tests.Configuration;

/// <summary>Issue 14, item 1: no security setting is ever accepted and ignored; what is not served stops start-up.</summary>
public sealed class BrokerConfigSecurityTests
{
    [TestCase("authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer", "authorizer.class.name",
        "only Kafka's ZooKeeper ACL authorizer")]
    [TestCase("ssl.principal.mapping.rules=RULE:^CN=(.*?),.*$/$1/", "ssl.principal.mapping.rules", "only DEFAULT is served")]
    public void UnservedSecuritySetting_IsRefused_WithFileLineAndReason(string line, string key, string reason)
    {
        var e = BuildFails("broker.id=1\n" + line);
        Assert.That(e.Message, Does.StartWith($"server.properties:2: {key} = ").And.Contain("is refused: " + reason));
    }

    [TestCase("listener.name.external.ssl.keystore.location=/k.p12", "per-listener settings")]
    [TestCase("ssl.keymanager.algorithm=SunX509", "security setting this broker does not serve")]
    [TestCase("zookeeper.ssl.client.enable=true", "TLS to ZooKeeper is not served")]
    [TestCase("zookeeper.clientCnxnSocket=org.apache.zookeeper.ClientCnxnSocketNetty", "TLS to ZooKeeper is not served")]
    [TestCase("sasl.server.callback.handler.class=x.Y", "security setting this broker does not serve")]
    public void UnknownSecurityKey_IsRefused_NotIgnored(string line, string reason)
    {
        var e = BuildFails("broker.id=1\n" + line);
        Assert.That(e.Message, Does.StartWith($"server.properties:2: {line[..line.IndexOf('=')]} is refused: ").And.Contain(reason));
    }

    [Test]
    public void RefusedSecret_IsNotPrinted()
    {
        // A per-listener TLS override (not served: TLS settings are broker-wide) holding a password.
        var e = BuildFails("listener.name.external.ssl.keystore.password=s3cret");
        Assert.That(e.Message, Does.StartWith("server.properties:1: listener.name.external.ssl.keystore.password is refused"));
        Assert.That(e.Message, Does.Not.Contain("s3cret"));
    }

    [TestCase("kafka.security.authorizer.AclAuthorizer")]
    [TestCase("kafka.security.auth.SimpleAclAuthorizer")]
    public void KafkaAclAuthorizer_IsServed_WithSuperUsersAndAllowEveryone(string className)
    {
        var config = Build($"zookeeper.connect=localhost:2181\nauthorizer.class.name={className}\n" +
                           "super.users=User:admin; User:CN=broker,O=example\nallow.everyone.if.no.acl.found=true");
        Assert.That(config.AuthorizerEnabled, Is.True);
        Assert.That(config.SuperUsers, Is.EquivalentTo(new[] { "User:admin", "User:CN=broker,O=example" }));
        Assert.That(config.AllowEveryoneIfNoAclFound, Is.True);
    }

    [Test]
    public void Authorizer_WithoutZooKeeper_IsRefused() =>
        Assert.That(BuildFails("authorizer.class.name=kafka.security.authorizer.AclAuthorizer").Message,
            Does.StartWith("server.properties:1: authorizer.class.name").And.Contain("needs zookeeper.connect"));

    [Test]
    public void SuperUserWithoutPrincipalType_IsRefused() =>
        Assert.That(BuildFails("zookeeper.connect=localhost:2181\nauthorizer.class.name=kafka.security.authorizer.AclAuthorizer\nsuper.users=admin").Message,
            Does.StartWith("server.properties:3: super.users").And.Contain("not a principal"));

    [Test]
    public void DefaultValuesOfRefusedSettings_AreAccepted()
    {
        var config = Build("zookeeper.set.acl=false\nauthorizer.class.name=\nssl.principal.mapping.rules=DEFAULT\nconnections.max.reauth.ms=0");
        Assert.That(config.Get("zookeeper.set.acl"), Is.EqualTo(false));
    }

    [Test]
    public void UnknownNonSecurityKey_IsStillOnlyAWarning()
    {
        var config = BrokerConfig.FromEntries(PropertiesFile.Parse("num.partitons=3\n", "server.properties"), out var warnings);
        Assert.That(config, Is.Not.Null);
        Assert.That(warnings, Has.Some.Contain("unknown setting 'num.partitons'"));
    }

    [TestCase("ssl.enabled.protocols=TLSv1.1,TLSv1.2", "TLSv1.1 is not served")]
    [TestCase("ssl.cipher.suites=TLS_NOT_A_SUITE", "TLS_NOT_A_SUITE is not a cipher suite")]
    [TestCase("ssl.keystore.type=BKS", "must be one of")]
    public void BadTlsValue_IsRefused(string line, string reason) =>
        Assert.That(BuildFails(line).Message, Does.StartWith("server.properties:1: ").And.Contain(reason));
}
