namespace Broker.TestKit.ZooKeeper;

/// <summary>
/// Where the JVM and the ZooKeeper jars are. Search order for ZooKeeper: <c>$ZOOKEEPER_HOME</c> (tarball layout:
/// <c>lib/*.jar</c> and <c>*.jar</c>), then Debian's <c>/usr/share/java/zookeeper.jar</c> (its manifest lists the
/// dependencies). Java: <c>$JAVA_HOME/bin/java</c>, then <c>java</c> on <c>PATH</c>.
/// </summary>
public sealed record ZooKeeperInstallation(string JavaPath, string ClassPath)
{
    private const string DebianJar = "/usr/share/java/zookeeper.jar";
    private const string DebianSlf4jSimple = "/usr/share/java/slf4j-simple.jar";

    private static readonly Lazy<(ZooKeeperInstallation? Installation, string? Problem)> s_located = new(Probe);

    /// <summary>Returns the installation or throws with instructions for installing ZooKeeper.</summary>
    public static ZooKeeperInstallation Locate()
    {
        var (installation, problem) = s_located.Value;
        return installation ?? throw new InvalidOperationException(
            $"ZooKeeper is required by these tests but was not found: {problem} " +
            "Install it (Debian/Ubuntu: `apt-get install zookeeper` plus a Java 17 runtime) or set ZOOKEEPER_HOME to an " +
            "extracted Apache ZooKeeper 3.8 distribution and JAVA_HOME to a JDK.");
    }

    private static (ZooKeeperInstallation?, string?) Probe()
    {
        var java = FindJava();
        if (java is null)
        {
            return (null, "no `java` executable (checked $JAVA_HOME/bin and PATH).");
        }

        var jars = FindJars();
        if (jars.Count == 0)
        {
            return (null, $"no ZooKeeper jars (checked $ZOOKEEPER_HOME and {DebianJar}).");
        }

        return (new ZooKeeperInstallation(java, string.Join(Path.PathSeparator, jars)), null);
    }

    private static string? FindJava()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("JAVA_HOME") is { Length: > 0 } javaHome)
        {
            candidates.Add(Path.Combine(javaHome, "bin", "java"));
        }

        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            if (directory.Length > 0)
            {
                candidates.Add(Path.Combine(directory, "java"));
            }
        }

        candidates.Add("/usr/bin/java");
        return candidates.FirstOrDefault(File.Exists);
    }

    private static List<string> FindJars()
    {
        if (Environment.GetEnvironmentVariable("ZOOKEEPER_HOME") is { Length: > 0 } home && Directory.Exists(home))
        {
            var jars = Directory.GetFiles(home, "*.jar").Concat(
                Directory.Exists(Path.Combine(home, "lib")) ? Directory.GetFiles(Path.Combine(home, "lib"), "*.jar") : []).ToList();
            if (jars.Any(j => Path.GetFileName(j).StartsWith("zookeeper", StringComparison.Ordinal)))
            {
                return jars;
            }
        }

        if (File.Exists(DebianJar))
        {
            // Without an slf4j binding ZooKeeper logs nothing; the simple binding writes warnings to stderr,
            // which we capture into the server's log file for diagnosing failed starts.
            return File.Exists(DebianSlf4jSimple) ? [DebianJar, DebianSlf4jSimple] : [DebianJar];
        }

        return [];
    }
}
