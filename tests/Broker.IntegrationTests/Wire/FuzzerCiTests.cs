using Broker.Fuzz;

namespace Broker.IntegrationTests.Wire;

/// <summary>
/// Issue 12: the mutation fuzzer (bin/fuzz.sh, tests/Broker.Fuzz) runs in CI for a short budget with a fixed seed, in
/// process: ZooKeeper and one broker, 20,000 mutated frames (at most 25 s of them) and 2,000 abandoned long polls; the
/// broker must stay up, answer a clean round trip after every batch, append nothing to the control topic, and come back
/// to its RSS and handle baseline. A failure prints the seed and saves the failing batch under .build/fuzz-failures/.
/// </summary>
[TestFixture]
public sealed class FuzzerCiTests
{
    [Test]
    [CancelAfter(90_000)]
    public async Task FixedSeed_ShortBudget_BrokerSurvives_AndReturnsToBaseline()
    {
        var options = new FuzzOptions
        {
            Seed = 20261207,
            Frames = 20_000,
            Duration = TimeSpan.FromSeconds(25),
            BatchFrames = 5_000,
            AbandonedPolls = 2_000,
            MinimizeBudget = 0, // a failure keeps its batch file for bin/fuzz.sh --minimize; minimizing here would outlast the budget
        };
        var log = new StringWriter();
        var result = await FuzzRunner.RunAsync(options, log);
        TestContext.Out.WriteLine(log.ToString());
        Assert.That(result.Passed, Is.True, result.Failure + "\n" + log);
        Assert.That(result.Crashes, Is.EqualTo(0));
        Assert.That(result.FramesSent, Is.GreaterThanOrEqualTo(5_000), "at least one batch within the budget");
    }
}
