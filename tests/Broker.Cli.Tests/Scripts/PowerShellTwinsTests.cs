using Broker.TestKit;

namespace Broker.Cli.Tests.Scripts;

/// <summary>The .ps1 twins under PowerShell 7 (.tools/pwsh, installed by bin/install-deps.sh).</summary>
[TestFixture]
public sealed class PowerShellTwinsTests : CliFixture
{
    private static string Pwsh => Path.Combine(RepoPaths.Root, ".tools", "pwsh");

    [OneTimeSetUp]
    public void RequirePwsh()
    {
        if (!File.Exists(Pwsh))
            Assert.Fail($"PowerShell is missing: {Pwsh} not found. Install it with bin/install-deps.sh " +
                        "(dotnet tool install PowerShell --version 7.6.9 --tool-path .tools).");
    }

    [Test]
    public async Task TopicsAndConsoleTools_RunUnderPwsh_LikeTheShellScripts()
    {
        string topic = UniqueTopic("pwsh");
        var create = await Pwsh_("topics.ps1", ["--create", "--topic", topic, "--bootstrap-server", Bootstrap, "--partitions", "1"]);
        Assert.That((create.ExitCode, create.StandardOutput), Is.EqualTo((0, $"Created topic {topic}.\n")), create.StandardError);

        var exists = await Pwsh_("topics.ps1", ["--create", "--topic", topic, "--bootstrap-server", Bootstrap]);
        Assert.That(exists.ExitCode, Is.EqualTo(1), "the exit code passes through");

        var produce = await Pwsh_("console-producer.ps1",
            ["--bootstrap-server", Bootstrap, "--topic", topic, "--property", "parse.key=true", "--property", "key.separator=:"], "a:1\nb:2\n");
        Assert.That(produce.ExitCode, Is.EqualTo(0), produce.StandardError);

        var consume = await Pwsh_("console-consumer.ps1",
            ["--bootstrap-server", Bootstrap, "--topic", topic, "--from-beginning", "--max-messages", "2", "--property", "print.key=true"]);
        Assert.That(consume.StandardOutput, Is.EqualTo("a\t1\nb\t2\n"), consume.StandardError);
        Assert.That(consume.StandardError, Does.Contain("Processed a total of 2 messages"));

        var groups = await Pwsh_("consumer-groups.ps1", ["--bootstrap-server", Bootstrap, "--describe", "--group", "no-such-group-" + topic]);
        Assert.That(groups.ExitCode, Is.EqualTo(0), groups.StandardError);
        Assert.That(groups.StandardError, Does.Contain($"Consumer group 'no-such-group-{topic}' does not exist."));
    }

    [Test]
    public async Task GetHelp_ShowsCommentBasedHelp()
    {
        var help = await ExternalProcess.RunAsync(Pwsh, ["-NoProfile", "-Command", $"Get-Help '{RepoPaths.Bin("topics.ps1")}' -Full | Out-String -Width 200"]);
        Assert.That(help.StandardOutput, Does.Contain("kafka-topics.sh").And.Contain("-Arguments").And.Contain("EXAMPLE"));
    }

    private static Task<ProcessResult> Pwsh_(string script, IEnumerable<string> args, string? stdin = null) =>
        ExternalProcess.RunAsync(Pwsh, ["-NoProfile", "-NonInteractive", "-File", RepoPaths.Bin(script), .. args],
            stdin is null ? null : System.Text.Encoding.UTF8.GetBytes(stdin), TimeSpan.FromSeconds(60));
}
