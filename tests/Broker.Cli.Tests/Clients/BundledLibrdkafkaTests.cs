using Broker.TestKit;

namespace Broker.Cli.Tests.Clients;

/// <summary>
/// The tools load the librdkafka bundled with Confluent.Kafka even when the loader's search path offers another
/// <c>librdkafka.so</c> (what Debian's librdkafka-dev installs): a 2.0.2 system copy makes newer calls fail with
/// EntryPointNotFoundException. The system copy comes from kcat's dependency (librdkafka1).
/// </summary>
[TestFixture]
public sealed class BundledLibrdkafkaTests
{
    private static readonly string[] SystemCopies =
        ["/lib/x86_64-linux-gnu/librdkafka.so.1", "/usr/lib/x86_64-linux-gnu/librdkafka.so.1", "/lib/aarch64-linux-gnu/librdkafka.so.1"];

    [Test]
    public async Task ToolLoadsTheBundledLibrary_WhenTheSearchPathOffersASystemCopy()
    {
        string? system = SystemCopies.FirstOrDefault(File.Exists);
        if (system is null) Assert.Ignore("no system librdkafka.so.1 (Debian's librdkafka1, installed with kcat)");
        CliFixture.BuildCli();
        string dir = Directory.CreateTempSubdirectory("system-rdkafka-").FullName;
        try
        {
            File.CreateSymbolicLink(Path.Combine(dir, "librdkafka.so"), system!);
            var env = new Dictionary<string, string> { ["LD_LIBRARY_PATH"] = dir, ["LD_DEBUG"] = "libs" };
            var result = await ExternalProcess.RunAsync("bash", [RepoPaths.Bin("topics.sh"), "--bootstrap-server", "127.0.0.1:1", "--list"],
                timeout: TimeSpan.FromSeconds(60), env: env);

            var inits = result.StandardError.Split('\n').Where(l => l.Contains("calling init:") && l.Contains("librdkafka")).ToList();
            Assert.That(inits, Is.Not.Empty, "the tool never loaded librdkafka:\n" + result.StandardError[^Math.Min(2000, result.StandardError.Length)..]);
            Assert.That(inits, Has.All.Contains("/runtimes/"), "a librdkafka outside the bundle was loaded");
            Assert.That(inits, Has.None.Contains(dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
