using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Broker.Server.Configuration;

namespace Broker.Server.Security.ZooKeeper;

/// <summary>
/// The broker's SASL DIGEST-MD5 identity towards ZooKeeper, taken as Kafka takes it: the <c>Client</c> section of a
/// JAAS file (<c>org.apache.zookeeper.server.auth.DigestLoginModule required username="..." password="...";</c>). The
/// file is named by <see cref="JaasVariable"/> (ours, checked first), else by
/// <c>-Djava.security.auth.login.config=FILE</c> inside <c>KAFKA_OPTS</c> (what Kafka's start scripts pass to Java).
/// Resolved once at start-up; immutable. A JAAS file without a Client section means "no ZooKeeper authentication",
/// as in Kafka.
/// </summary>
public sealed partial record ZooKeeperLogin(string Username, string Password, string JaasFile)
{
    /// <summary>Environment variable naming the JAAS file (clearer than KAFKA_OPTS, which is also honoured).</summary>
    public const string JaasVariable = "BROKER_JAAS_CONFIG";

    /// <summary>The JAAS section ZooKeeper's client reads (its <c>zookeeper.sasl.clientconfig</c> default).</summary>
    public const string ClientSection = "Client";

    public const string DigestLoginModule = "org.apache.zookeeper.server.auth.DigestLoginModule";

    private static readonly ConditionalWeakTable<BrokerConfig, Box> Cache = [];

    /// <summary>Never prints the password.</summary>
    public override string ToString() => $"ZooKeeperLogin {{ Username = {Username}, JaasFile = {JaasFile} }}";

    /// <summary>The login for this configuration from the process environment; cached per configuration.</summary>
    /// <exception cref="ConfigException">See <see cref="Resolve"/>.</exception>
    public static ZooKeeperLogin? Of(BrokerConfig config) =>
        Cache.GetValue(config, c => new Box(Resolve(c, Environment.GetEnvironmentVariable))).Login;

    /// <summary>
    /// Finds and reads the JAAS file, and checks <c>zookeeper.set.acl</c> against the result.
    /// </summary>
    /// <returns>The login, or null when no JAAS file is named or it has no Client section.</returns>
    /// <exception cref="ConfigException">The named file cannot be read or parsed, its Client section is not a
    /// DigestLoginModule with username and password, or <c>zookeeper.set.acl=true</c> has no login (the message starts
    /// with that setting's file:line, as Kafka refuses it).</exception>
    public static ZooKeeperLogin? Resolve(BrokerConfig config, Func<string, string?> environment)
    {
        var login = Locate(environment) is { } located ? Read(located.Path, located.NamedBy) : null;
        if (config.ZookeeperSetAcl && login is null)
        {
            throw new ConfigException(config.Source("zookeeper.set.acl"), "zookeeper.set.acl", "true",
                "is refused: the broker has no ZooKeeper credentials, so it cannot create znodes only it may change. " +
                $"Name a JAAS file with a {ClientSection} section ({DigestLoginModule} required username=\"...\" password=\"...\";) " +
                $"in {JaasVariable} or with -Djava.security.auth.login.config=FILE in KAFKA_OPTS " +
                "(TLS to ZooKeeper, zookeeper.ssl.*, is not served)");
        }

        return login;
    }

    private static (string Path, string NamedBy)? Locate(Func<string, string?> environment)
    {
        if (environment(JaasVariable) is { Length: > 0 } ours) return (ours, JaasVariable);
        if (environment("KAFKA_OPTS") is { Length: > 0 } options && JavaLoginConfig().Match(options) is { Success: true } m)
        {
            var path = m.Groups["q"].Success ? m.Groups["q"].Value : m.Groups["p"].Value;
            return (path, "KAFKA_OPTS (-Djava.security.auth.login.config)");
        }

        return null;
    }

    private static ZooKeeperLogin? Read(string path, string namedBy)
    {
        string where = $"{path} (named by {namedBy})";
        JaasFile file;
        try
        {
            file = Security.ZooKeeper.JaasFile.Parse(File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"{where}: cannot read the JAAS file: {e.Message}");
        }
        catch (FormatException e)
        {
            throw new ConfigException($"{where}: not a valid JAAS file: {e.Message}");
        }

        if (file.Section(ClientSection) is not { } modules) return null;
        if (modules.Count != 1 || modules[0].LoginModule != DigestLoginModule)
        {
            throw new ConfigException($"{where}: the {ClientSection} section must hold one {DigestLoginModule} entry " +
                                      $"(SASL DIGEST-MD5 is the only ZooKeeper authentication served; found {string.Join(", ", modules.Select(m => m.LoginModule))})");
        }

        var module = modules[0];
        if (module.Username is not { Length: > 0 } user || module.Password is not { } password)
            throw new ConfigException($"{where}: the {ClientSection} section needs username=\"...\" and password=\"...\"");
        return new ZooKeeperLogin(user, password, path);
    }

    [GeneratedRegex("""-Djava\.security\.auth\.login\.config=(?:"(?<q>[^"]*)"|(?<p>\S+))""")]
    private static partial Regex JavaLoginConfig();

    private sealed record Box(ZooKeeperLogin? Login);
}
