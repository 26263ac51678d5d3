using Broker.Perf.Cli;

namespace Broker.Perf.Tests.Cli;

public sealed class ArgParserTests
{
    [Test]
    public void MultiValuedOption_TakesTokensUpToTheNextOption()
    {
        var a = ArgParser.Parse(["--producer-props", "a=1", "b=2", "--topic", "t", "pos"], ["topic"], ["producer-props"], []);

        Assert.That(a.GetAll("producer-props"), Is.EqualTo(new[] { "a=1", "b=2" }));
        Assert.That(a.Get("topic"), Is.EqualTo("t"));
        Assert.That(a.Positional, Is.EqualTo(new[] { "pos" }));
    }

    [Test]
    public void UnknownOption_IsAUsageError() =>
        Assert.That(() => ArgParser.Parse(["--nope", "1"], ["topic"], [], []), Throws.TypeOf<UsageException>().With.Message.Contains("--nope"));
}
