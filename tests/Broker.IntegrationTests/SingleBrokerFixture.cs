using Broker.TestKit.Brokers;

namespace Broker.IntegrationTests;

/// <summary>
/// One real broker process shared by the tests of a fixture (started once, killed at the end). Tests use their own
/// topic names so they do not interfere.
/// </summary>
public abstract class SingleBrokerFixture
{
    protected BrokerProcess Broker { get; private set; } = null!;

    protected string Bootstrap => Broker.BootstrapServers;

    protected virtual IDictionary<string, string> Settings => new Dictionary<string, string>();

    [OneTimeSetUp]
    public async Task StartBroker()
    {
        Broker = new BrokerProcess(0, Settings);
        await Broker.StartAsync();
    }

    [OneTimeTearDown]
    public void StopBroker()
    {
        if (TestContext.CurrentContext.Result.FailCount > 0)
            TestContext.Out.WriteLine("Broker output:\n" + string.Join('\n', Broker.Output.TakeLast(200)));
        Broker.Dispose();
    }

    protected static string UniqueTopic(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(60, prefix.Length + 33)];
}
