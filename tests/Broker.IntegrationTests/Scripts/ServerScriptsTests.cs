using System.Net.Sockets;
using Broker.TestKit;
using Broker.TestKit.Brokers;

namespace Broker.IntegrationTests.Scripts;

/// <summary>bin/server-start and bin/server-stop, bash and PowerShell, as a user runs them.</summary>
[TestFixture]
public sealed class ServerScriptsTests
{
    private TempDirectory _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDirectory("scripts");

    [TearDown]
    public void TearDown() => _dir.Dispose();

    private (string Config, int Port) WriteConfig(string extra = "")
    {
        int port = FreePort.Next();
        string config = Path.Combine(_dir.Path, $"server-{port}.properties");
        File.WriteAllText(config, $"broker.id=0\nlisteners=PLAINTEXT://127.0.0.1:{port}\nlog.dirs={_dir.Path}/data\n{extra}");
        return (config, port);
    }

    private static bool Accepts(int port)
    {
        try
        {
            using var c = new TcpClient("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private IDictionary<string, string> Env => new Dictionary<string, string> { ["BROKER_LOG_DIR"] = Path.Combine(_dir.Path, "logs") };

    [Test]
    public async Task BashDaemonStart_ThenStop_ServesAndExitsGracefully()
    {
        BrokerProcess.EnsureBuilt();
        var (config, port) = WriteConfig();
        var start = await ExternalProcess.RunAsync("bash", [RepoPaths.Bin("server-start.sh"), "-daemon", config, "--override", "num.partitions=2"], env: Env);
        Assert.That(start.ExitCode, Is.EqualTo(0), start.StandardError);
        await Poll.UntilAsync(() => Accepts(port), TimeSpan.FromSeconds(60), "the daemon broker to listen");
        var stop = await ExternalProcess.RunAsync("bash", [RepoPaths.Bin("server-stop.sh"), config]);
        Assert.That(stop.ExitCode, Is.EqualTo(0), stop.StandardError);
        Assert.That(Accepts(port), Is.False);
        string output = await File.ReadAllTextAsync(Path.Combine(_dir.Path, "logs", Path.GetFileNameWithoutExtension(config) + ".out"));
        Assert.That(output, Does.Contain("ready: serving").And.Contain("stopped; logs flushed"));
    }

    [Test]
    public async Task BadConfigValue_StopsStartUp_WithFileLineKeyAndValue()
    {
        BrokerProcess.EnsureBuilt();
        var (config, _) = WriteConfig("num.partitions=abc\n");
        var start = await ExternalProcess.RunAsync("bash", [RepoPaths.Bin("server-start.sh"), config], env: Env, timeout: TimeSpan.FromSeconds(60));
        Assert.That(start.ExitCode, Is.Not.EqualTo(0));
        Assert.That(start.StandardError, Does.Contain(Path.GetFileName(config) + ":4").And.Contain("num.partitions").And.Contain("abc"));
    }

    [Test]
    public async Task MissingConfigFile_FailsWithOneLineReason()
    {
        var start = await ExternalProcess.RunAsync("bash", [RepoPaths.Bin("server-start.sh"), Path.Combine(_dir.Path, "nope.properties")]);
        Assert.That(start.ExitCode, Is.Not.EqualTo(0));
        Assert.That(start.StandardError.Trim(), Does.Contain("not found"));
    }

    [Test]
    public async Task PowerShellTwins_StartAndStopTheBroker()
    {
        string pwsh = Path.Combine(RepoPaths.Root, ".tools", "pwsh");
        Assert.That(File.Exists(pwsh), $"PowerShell is not installed at {pwsh}; run bin/install-deps.sh");
        BrokerProcess.EnsureBuilt();
        var (config, port) = WriteConfig();
        var help = await ExternalProcess.RunAsync(pwsh, ["-NoProfile", "-Command", $"Get-Help {RepoPaths.Bin("server-start.ps1")} -Full"]);
        Assert.That(help.StandardOutput, Does.Contain("Starts one broker").And.Contain("-Override"));
        var start = await ExternalProcess.RunAsync(pwsh, ["-NoProfile", "-File", RepoPaths.Bin("server-start.ps1"), config, "-Daemon"], env: Env);
        Assert.That(start.ExitCode, Is.EqualTo(0), start.StandardError);
        await Poll.UntilAsync(() => Accepts(port), TimeSpan.FromSeconds(60), "the broker started by server-start.ps1");
        var stop = await ExternalProcess.RunAsync(pwsh, ["-NoProfile", "-File", RepoPaths.Bin("server-stop.ps1"), config]);
        Assert.That(stop.ExitCode, Is.EqualTo(0), stop.StandardError + stop.StandardOutput);
        Assert.That(Accepts(port), Is.False);
    }
}
