using Broker.Perf.Cli;
using Broker.Perf.Consumer;
using Broker.Perf.Latency;
using Broker.Perf.Producer;

namespace Broker.Perf;

/// <summary>
/// Entry point: one executable, three Kafka perf tools as subcommands. Output lines match Kafka's tools so scripts
/// that parse Kafka's output work unchanged.
/// </summary>
internal static class Program
{
    private const string Usage =
        "usage: Broker.Perf <producer-perf-test|consumer-perf-test|end-to-end-latency> [options]\n" +
        "       Broker.Perf <command> --help";

    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.Error.WriteLine(Usage);
            return args.Length == 0 ? 1 : 0;
        }

        string[] rest = args[1..];
        try
        {
            return args[0] switch
            {
                "producer-perf-test" => ProducerPerfCommand.Run(rest),
                "consumer-perf-test" => ConsumerPerfCommand.Run(rest),
                "end-to-end-latency" => EndToEndLatencyCommand.Run(rest),
                _ => Fail($"unknown command '{args[0]}'\n{Usage}"),
            };
        }
        catch (UsageException e)
        {
            return Fail(e.Message);
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 1;
    }
}
