using System.Text;
using Broker.Server.Security.Sasl;

namespace Broker.Server.Tests.Security;

public class PlainAndJaasTests
{
    private static readonly Dictionary<string, string> Users = new() { ["alice"] = "alice-secret", ["bob"] = "b" };

    private static SaslStep Plain(string token) => new PlainServerExchange(Users).Evaluate(Encoding.UTF8.GetBytes(token));

    [Test]
    public void PlainAcceptsKnownUsersOnly()
    {
        Assert.That(Plain("\0alice\0alice-secret").UserName, Is.EqualTo("alice"));
        Assert.That(Plain("alice\0alice\0alice-secret").UserName, Is.EqualTo("alice"));
        Assert.That(Plain("\0alice\0alice-secreT").Error, Is.Not.Null);
        Assert.That(Plain("\0alice\0alice-secret-longer").Error, Is.Not.Null);
        Assert.That(Plain("\0carol\0alice-secret").Error, Is.Not.Null);
        Assert.That(Plain("bob\0alice\0alice-secret").Error, Does.Contain("authorization id"));
        Assert.That(Plain("no-nul-at-all").Error, Is.Not.Null);
        Assert.That(Plain("\0\0x").Error, Is.Not.Null);
        Assert.That(Plain("\0alice\0").Error, Is.Not.Null);
    }

    [Test]
    public void PlainRefusesASecondToken()
    {
        var server = new PlainServerExchange(Users);
        Assert.That(server.Evaluate("\0alice\0alice-secret"u8).Complete, Is.True);
        Assert.That(server.Evaluate("\0alice\0alice-secret"u8).Error, Is.Not.Null);
    }

    [Test]
    public void JaasParsesKafkasSyntax()
    {
        var jaas = JaasConfig.Parse(
            "org.apache.kafka.common.security.plain.PlainLoginModule required \n username=\"admin\"  password=\"admin-secret\" " +
            "user_admin=\"admin-secret\" user_alice=\"a\\\"b\" user_bare=bare;");
        Assert.That(jaas.LoginModule, Is.EqualTo(JaasConfig.PlainLoginModule));
        Assert.That(jaas.Username, Is.EqualTo("admin"));
        Assert.That(jaas.Password, Is.EqualTo("admin-secret"));
        Assert.That(jaas.PlainUsers, Is.EquivalentTo(new Dictionary<string, string>
        {
            ["admin"] = "admin-secret", ["alice"] = "a\"b", ["bare"] = "bare",
        }));
        Assert.That(jaas.ToString(), Does.Not.Contain("secret"));
    }

    [TestCase("")]
    [TestCase("org.Module")]
    [TestCase("org.Module mandatory a=b;")]
    [TestCase("org.Module required a=b")]
    [TestCase("org.Module required a=\"b;")]
    [TestCase("org.Module required a;")]
    [TestCase("org.Module required a=b; other.Module required;")]
    public void JaasRefusesMalformedEntries(string text) =>
        Assert.Throws<FormatException>(() => JaasConfig.Parse(text));
}
