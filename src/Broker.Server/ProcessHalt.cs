namespace Broker.Server;

/// <summary>
/// Ends the process with an exit code, as Kafka's Exit.halt: no graceful shutdown (used when every log dir failed).
/// Replaceable so in-process test brokers are not killed with their test runner.
/// </summary>
public sealed class ProcessHalt(Action<int>? exit = null)
{
    /// <summary>Exits the process with <paramref name="code"/> (Environment.Exit: logging providers flush on ProcessExit).</summary>
    public void Halt(int code) => (exit ?? Environment.Exit)(code);
}
