namespace Broker.Cli.CommandLine;

/// <summary>
/// Ends a tool before it talks to the broker: the message (if any) and then the usage (if <see cref="Help"/> is
/// set) go to stderr, as Kafka's CommandLineUtils.printUsageAndExit does.
/// </summary>
internal sealed class UsageException(string message, OptionParser? help = null, int exitCode = 1) : Exception(message)
{
    public OptionParser? Help { get; } = help;

    public int ExitCode { get; } = exitCode;
}
