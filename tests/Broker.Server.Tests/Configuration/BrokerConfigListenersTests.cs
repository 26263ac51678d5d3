using Broker.Server.Configuration;
using static Broker.Server.Tests.Configuration.ConfigTestFiles;

namespace Broker.Server.Tests.Configuration;

public sealed class BrokerConfigListenersTests
{
    [Test]
    public void Listeners_AreParsedIntoEndpoints()
    {
        var config = Build("listeners=PLAINTEXT://0.0.0.0:9092,INTERNAL://[::1]:9093\n" +
                           "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT,SSL:SSL\n" +
                           "advertised.listeners=PLAINTEXT://broker1:9092,INTERNAL://broker1:9093");
        Assert.That(config.Listeners, Is.EqualTo(new[]
        {
            new ListenerEndpoint("PLAINTEXT", "0.0.0.0", 9092),
            new ListenerEndpoint("INTERNAL", "::1", 9093),
        }));
        Assert.That(config.AdvertisedListeners.Select(l => l.Host), Is.EqualTo(new[] { "broker1", "broker1" }));
        Assert.That(config.InterBrokerEndpoint, Is.EqualTo(new ListenerEndpoint("PLAINTEXT", "broker1", 9092)));
        Assert.That(config.ListenerSecurityProtocolMap["SSL"], Is.EqualTo("SSL"));
    }

    [Test]
    public void AdvertisedListeners_DefaultToListeners()
    {
        var config = Build("listeners=PLAINTEXT://localhost:9093");
        Assert.That(config.AdvertisedListeners, Is.EqualTo(config.Listeners));
        Assert.That(config.Source("advertised.listeners").Kind, Is.EqualTo(ConfigSourceKind.Default));
    }

    [Test]
    public void BadListener_ErrorNamesLineAndProblem()
    {
        var e = BuildFails("broker.id=1\nlisteners=PLAINTEXT://localhost");
        Assert.That(e.Message, Is.EqualTo(
            "server.properties:2: listeners = 'PLAINTEXT://localhost' is invalid: 'PLAINTEXT://localhost' has no port: " +
            "expected PLAINTEXT://host:port"));
    }

    [Test]
    public void DuplicateListenerName_IsRejected() =>
        Assert.That(BuildFails("listeners=PLAINTEXT://:9092,PLAINTEXT://:9093").Message, Does.Contain("PLAINTEXT is used twice"));

    [Test]
    public void EmptyListeners_IsRejected() =>
        Assert.That(BuildFails("listeners=").Message, Does.StartWith("server.properties:1: listeners = '' must name at least one listener"));

    [Test]
    public void ListenerWithoutSecurityProtocol_IsRejected()
    {
        var e = BuildFails("listeners=PLAINTEXT://:9092,INTERNAL://:9093");
        Assert.That(e.Message, Does.Contain("INTERNAL has no security protocol").And.Contain("listener.security.protocol.map"));
    }

    [Test]
    public void CustomListenerName_WithProtocolMapAndInterBrokerName_IsAccepted()
    {
        var config = Build("listeners=INTERNAL://:9093,EXTERNAL://:9092\n" +
                           "listener.security.protocol.map=INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT\n" +
                           "inter.broker.listener.name=INTERNAL");
        Assert.That(config.InterBrokerListenerName, Is.EqualTo("INTERNAL"));
        Assert.That(config.ListenerSecurityProtocolMap["EXTERNAL"], Is.EqualTo("PLAINTEXT"));
    }

    [Test]
    public void SaslSslListener_WithMechanismsAndKeyStore_IsAccepted()
    {
        var config = Build("listeners=INTERNAL://:9093,EXTERNAL://:9092\n" +
                           "listener.security.protocol.map=INTERNAL:PLAINTEXT,EXTERNAL:SASL_SSL\n" +
                           "inter.broker.listener.name=INTERNAL\nsasl.enabled.mechanisms=PLAIN\n" +
                           "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_alice=\"a\";\n" +
                           "ssl.keystore.type=PEM\nssl.keystore.key=x\nssl.keystore.certificate.chain=y");
        Assert.That(config.ListenerSecurityProtocolMap["EXTERNAL"], Is.EqualTo("SASL_SSL"));
    }

    [Test]
    public void SaslListener_WithoutEnabledMechanisms_IsRefused_KafkasDefaultGssapiIsNotServed()
    {
        var e = BuildFails("broker.id=1\nlisteners=INTERNAL://:9093,EXTERNAL://:9092\n" +
                           "listener.security.protocol.map=INTERNAL:PLAINTEXT,EXTERNAL:SASL_PLAINTEXT\n" +
                           "inter.broker.listener.name=INTERNAL");
        Assert.That(e.Message, Does.StartWith("server.properties:2: listeners = 'INTERNAL://:9093,EXTERNAL://:9092' has the SASL listener EXTERNAL " +
                                              "but sasl.enabled.mechanisms is not set"));
    }

    [TestCase("sasl.enabled.mechanisms=GSSAPI", "GSSAPI (Kerberos) and OAUTHBEARER are not implemented")]
    [TestCase("sasl.enabled.mechanisms=PLAIN", "enables PLAIN on listener EXTERNAL, but no JAAS entry with users")]
    [TestCase("sasl.enabled.mechanisms=SCRAM-SHA-512", "SCRAM credentials live in ZooKeeper")]
    public void SaslListener_UnservableSettings_AreRefused(string line, string reason)
    {
        var e = BuildFails("broker.id=1\nlisteners=INTERNAL://:9093,EXTERNAL://:9092\n" +
                           "listener.security.protocol.map=INTERNAL:PLAINTEXT,EXTERNAL:SASL_PLAINTEXT\n" +
                           "inter.broker.listener.name=INTERNAL\n" + line);
        Assert.That(e.Message, Does.StartWith("server.properties:5: sasl.enabled.mechanisms"));
        Assert.That(e.Message, Does.Contain(reason));
    }

    [Test]
    public void SaslListener_WithPlainUsersPerListener_IsAccepted()
    {
        var config = Build("listeners=INTERNAL://:9093,EXTERNAL://:9092\n" +
                           "listener.security.protocol.map=INTERNAL:PLAINTEXT,EXTERNAL:SASL_PLAINTEXT\n" +
                           "inter.broker.listener.name=INTERNAL\nsasl.enabled.mechanisms=PLAIN\n" +
                           "listener.name.external.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_alice=\"a\";");
        Assert.That(config.SaslJaasConfigFor("EXTERNAL", "PLAIN")!.PlainUsers["alice"], Is.EqualTo("a"));
        Assert.That(config.InterBrokerSasl, Is.Null);
    }

    [Test]
    public void InterBrokerListener_NotAdvertised_IsRejected()
    {
        var e = BuildFails("listeners=INTERNAL://:9093\nlistener.security.protocol.map=INTERNAL:PLAINTEXT");
        Assert.That(e.Message, Does.StartWith("default: security.inter.broker.protocol = 'PLAINTEXT' is invalid"));
        Assert.That(e.Message, Does.Contain("set inter.broker.listener.name"));
    }

    [Test]
    public void InterBrokerNameAndProtocol_BothSet_IsRejected() =>
        Assert.That(
            BuildFails("inter.broker.listener.name=PLAINTEXT\nsecurity.inter.broker.protocol=PLAINTEXT").Message,
            Does.StartWith("server.properties:1: inter.broker.listener.name").And.Contain("set only one of them"));

    [Test]
    public void WildcardListenerWithoutAdvertisedListeners_IsRejected()
    {
        var e = BuildFails("listeners=PLAINTEXT://0.0.0.0:9092");
        Assert.That(e.Message, Does.StartWith("server.properties:1: listeners = 'PLAINTEXT://0.0.0.0:9092' cannot be advertised"));
    }

    [Test]
    public void AdvertisedListenerNotInListeners_IsRejected()
    {
        var e = BuildFails("listeners=PLAINTEXT://:9092\nadvertised.listeners=PLAINTEXT://h:9092,SSL://h:9093");
        Assert.That(e.Message, Does.StartWith("server.properties:2: advertised.listeners").And.Contain("SSL is not in listeners (PLAINTEXT)"));
    }

    [Test]
    public void BadProtocolMap_IsRejected() =>
        Assert.That(BuildFails("listener.security.protocol.map=PLAINTEXT:TLS").Message, Does.Contain("'TLS' is not a security protocol"));
}
