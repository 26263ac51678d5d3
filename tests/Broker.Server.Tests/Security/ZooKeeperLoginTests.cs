using Broker.Server.Configuration;
using Broker.Server.Security.ZooKeeper;
using Broker.TestKit;
using static Broker.Server.Tests.Configuration.ConfigTestFiles;

namespace Broker.Server.Tests.Security;

/// <summary>How the broker finds its ZooKeeper credentials (JAAS Client section) and when zookeeper.set.acl refuses start-up.</summary>
public sealed class ZooKeeperLoginTests
{
    private const string Client = """
        Client {
          org.apache.zookeeper.server.auth.DigestLoginModule required username="kafka" password="p;w\"d"; // comment
        };
        """;

    private static string Write(TempDirectory dir, string text, string name = "jaas.conf")
    {
        var path = Path.Combine(dir.Path, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Test]
    public void BrokerJaasConfig_ClientSection_GivesTheLogin()
    {
        using var dir = new TempDirectory("jaas");
        var path = Write(dir, "/* Kafka's own section may sit beside it */\nKafkaServer {\n  a.B required;\n};\n" + Client);
        var login = ZooKeeperLogin.Resolve(Build("zookeeper.set.acl=true"), Env(("BROKER_JAAS_CONFIG", path)));
        Assert.That(login, Is.EqualTo(new ZooKeeperLogin("kafka", "p;w\"d", path)));
        Assert.That(login!.ToString(), Does.Not.Contain("p;w"));
    }

    [Test]
    public void KafkaOpts_JavaLoginConfig_IsHonoured_AndBrokerJaasConfigWins()
    {
        using var dir = new TempDirectory("jaas");
        var path = Write(dir, Client);
        var other = Write(dir, Client.Replace("kafka", "other"), "other.conf");
        var config = Build("zookeeper.set.acl=false");
        Assert.That(ZooKeeperLogin.Resolve(config, Env(("KAFKA_OPTS", $"-Xmx1G -Djava.security.auth.login.config={path} -Dx=y")))!.Username, Is.EqualTo("kafka"));
        Assert.That(ZooKeeperLogin.Resolve(config, Env(("KAFKA_OPTS", $"-Djava.security.auth.login.config=\"{path}\"")))!.JaasFile, Is.EqualTo(path));
        Assert.That(ZooKeeperLogin.Resolve(config, Env(("KAFKA_OPTS", $"-Djava.security.auth.login.config={path}"), ("BROKER_JAAS_CONFIG", other)))!.Username,
            Is.EqualTo("other"));
    }

    [Test]
    public void NoJaasFile_OrNoClientSection_MeansNoLogin_WhichSetAclRefuses()
    {
        Assert.That(ZooKeeperLogin.Resolve(Build(""), Env()), Is.Null);
        var e = Assert.Throws<ConfigException>(() => ZooKeeperLogin.Resolve(Build("broker.id=1\nzookeeper.set.acl=true"), Env()));
        Assert.That(e!.Message, Does.StartWith("server.properties:2: zookeeper.set.acl = 'true' is refused: the broker has no ZooKeeper credentials"));

        using var dir = new TempDirectory("jaas");
        var path = Write(dir, "KafkaServer {\n  a.B required;\n};\n");
        Assert.That(ZooKeeperLogin.Resolve(Build(""), Env(("BROKER_JAAS_CONFIG", path))), Is.Null);
        Assert.Throws<ConfigException>(() => ZooKeeperLogin.Resolve(Build("zookeeper.set.acl=true"), Env(("BROKER_JAAS_CONFIG", path))));
    }

    [TestCase("Client {\n  com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true;\n};", "SASL DIGEST-MD5 is the only ZooKeeper authentication served")]
    [TestCase("Client {\n  org.apache.zookeeper.server.auth.DigestLoginModule required username=\"k\";\n};", "needs username=\"...\" and password=\"...\"")]
    [TestCase("Client {\n  org.apache.zookeeper.server.auth.DigestLoginModule required username=\"k\" password=\"p\"\n};", "not a valid JAAS file: section Client: a login module entry must end with ';'")]
    public void BadClientSection_IsRefused_NamingTheFileAndVariable(string text, string reason)
    {
        using var dir = new TempDirectory("jaas");
        var path = Write(dir, text);
        var e = Assert.Throws<ConfigException>(() => ZooKeeperLogin.Resolve(Build(""), Env(("BROKER_JAAS_CONFIG", path))));
        Assert.That(e!.Message, Does.StartWith($"{path} (named by BROKER_JAAS_CONFIG): ").And.Contain(reason));
    }

    [Test]
    public void MissingFile_IsRefused()
    {
        var e = Assert.Throws<ConfigException>(() => ZooKeeperLogin.Resolve(Build(""), Env(("KAFKA_OPTS", "-Djava.security.auth.login.config=/nonexistent/jaas.conf"))));
        Assert.That(e!.Message, Does.StartWith("/nonexistent/jaas.conf (named by KAFKA_OPTS (-Djava.security.auth.login.config)): cannot read the JAAS file"));
    }
}
