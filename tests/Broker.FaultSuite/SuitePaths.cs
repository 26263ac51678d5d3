namespace Broker.FaultSuite;

/// <summary>
/// The repository the suite tests. bin/fault-test.sh runs a copy of the suite from /tmp and passes BROKER_HOME; run
/// from its build folder, the suite finds the repository itself (TestKit's RepoPaths).
/// </summary>
public static class SuitePaths
{
    public static string Root { get; } = Environment.GetEnvironmentVariable("BROKER_HOME") is { Length: > 0 } home
        ? home
        : Broker.TestKit.RepoPaths.Root;

    public static string BrokerDll => Path.Combine(Root, ".build", "broker", "Broker.Host.dll");
}
