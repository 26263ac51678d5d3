namespace Broker.Perf.Cli;

/// <summary>A command-line mistake: the message is printed to stderr and the tool exits with 1.</summary>
internal sealed class UsageException(string message) : Exception(message);
