using System.Diagnostics;
using Broker.TestKit;
using Broker.TestKit.Brokers;

namespace Broker.Cli.Tests;

/// <summary>
/// One real broker process per fixture, and the tools run exactly as a user runs them: bin/&lt;tool&gt;.sh (which builds
/// src/Broker.Cli into .build/cli). The bootstrap address says "localhost" as the guide does, while the broker listens
/// on 127.0.0.1 only.
/// </summary>
public abstract class CliFixture
{
    protected BrokerProcess Broker { get; private set; } = null!;

    protected string Bootstrap => $"localhost:{Broker.Port}";

    [OneTimeSetUp]
    public async Task StartBroker()
    {
        Broker = new BrokerProcess(0);
        await Broker.StartAsync();
        BuildCli(); // after the broker: its build writes files under src/ that would make the tool look stale

    }

    [OneTimeTearDown]
    public void StopBroker()
    {
        if (TestContext.CurrentContext.Result.FailCount > 0)
            TestContext.Out.WriteLine("Broker output:\n" + string.Join('\n', Broker.Output.TakeLast(100)));
        Broker.Dispose();
    }

    /// <summary>Runs bin/<paramref name="script"/> with bash and the given arguments.</summary>
    protected static Task<ProcessResult> RunScriptAsync(string script, IEnumerable<string> args, string? stdin = null) =>
        ExternalProcess.RunAsync("bash", [RepoPaths.Bin(script), .. args],
            stdin is null ? null : System.Text.Encoding.UTF8.GetBytes(stdin), TimeSpan.FromSeconds(60));

    protected static string UniqueTopic(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    /// <summary>Builds the tool once up front (the scripts would otherwise race to build it inside a test's deadline).</summary>
    internal static void BuildCli()
    {
        lock (typeof(CliFixture))
        {
            var psi = new ProcessStartInfo("bash", ["-c", "source bin/common.sh && touch \"$(ensure_built Broker.Cli cli)\""])
            {
                WorkingDirectory = RepoPaths.Root, RedirectStandardError = true, RedirectStandardOutput = true,
            };
            using var p = Process.Start(psi)!;
            string err = p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0) throw new InvalidOperationException("building Broker.Cli failed: " + err);
        }
    }
}
