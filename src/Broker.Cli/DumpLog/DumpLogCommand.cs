using System.Buffers.Binary;
using System.Text;
using Broker.Cli.CommandLine;
using Broker.Protocol.Records;

namespace Broker.Cli.DumpLog;

/// <summary>
/// <c>dump-log</c>: Kafka 3.6's kafka-dump-log.sh for segment <c>.log</c> files, offline (reads the file, never a
/// broker). Prints Kafka's lines: "Dumping FILE", "Log starting offset: N", one "baseOffset: … lastOffset: … count: …"
/// line per batch (header read by the protocol layer's <see cref="RecordBatchHeader"/>, CRC-32C checked), with
/// <c>--deep-iteration</c> (implied by <c>--print-data-log</c>) one "| offset: …" line per record
/// (<see cref="RecordReader"/>), keys and values as UTF-8 with <c>--print-data-log</c>; "Found N invalid bytes at the
/// end of F" for a torn tail. Not served (one-line refusal, exit 1): index, time index and producer snapshot files,
/// <c>--offsets-decoder</c>, and records of compressed batches (the batch line is still printed). Exit 0 otherwise.
/// </summary>
internal sealed class DumpLogCommand
{
    private const string Purpose = "This tool helps to parse a log file and dump its contents to the console, useful for debugging a seemingly corrupt log segment.";

    private readonly OptionParser _parser = new OptionParser(Purpose)
        .Arg("files", "file1, file2, ...", "REQUIRED: The comma separated list of data and index log files to be dumped.")
        .Flag("print-data-log", "if set, printing the messages content when dumping data logs. Automatically set if any decoder option is specified.")
        .Flag("deep-iteration", "if set, uses deep instead of shallow iteration. Automatically set if print-data-log is enabled.")
        .Flag("skip-record-metadata", "whether to skip printing metadata for each record.")
        .Flag("offsets-decoder", "if set, log data will be parsed as offset data from the __consumer_offsets topic (not served yet).")
        .Arg("max-bytes", "size", "Limit the amount of total batches read in bytes avoiding reading the whole .log file(s).", int.MaxValue.ToString())
        .Flag("help", "Print usage information.")
        .Flag("version", "Display Kafka version.");

    public Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0) throw new UsageException(Purpose, _parser);
        var options = _parser.Parse(args);
        if (_parser.PrintedHelpOrVersion(options, System.Console.Out)) return Task.FromResult(0);
        if (!options.Has("files")) throw new UsageException("Missing required argument \"[files]\"", _parser);
        if (options.Has("offsets-decoder")) throw new UsageException("--offsets-decoder is not served by this tool yet: it prints records as UTF-8 text only");
        int maxBytes = options.IntValue("max-bytes", _parser)!.Value;
        bool print = options.Has("print-data-log");
        bool deep = print || options.Has("deep-iteration");
        bool skipMetadata = options.Has("skip-record-metadata");

        var output = System.Console.Out;
        foreach (string file in options.Value("files")!.Split(','))
        {
            output.WriteLine($"Dumping {file}");
            string name = Path.GetFileName(file);
            string suffix = name.Contains('.') ? name[name.LastIndexOf('.')..] : "";
            if (suffix is ".index" or ".timeindex" or ".snapshot" or ".txnindex")
            {
                System.Console.Error.WriteLine($"{suffix} files are not served by this tool yet: only .log segments");
                return Task.FromResult(1);
            }

            if (suffix != ".log")
            {
                System.Console.Error.WriteLine($"Ignoring unknown file {file}");
                continue;
            }

            if (!File.Exists(file))
            {
                System.Console.Error.WriteLine($"{file} (No such file or directory)");
                return Task.FromResult(1);
            }

            output.WriteLine($"Log starting offset: {long.Parse(name.Split('.')[0])}");
            var bytes = File.ReadAllBytes(file);
            var limited = bytes.AsSpan(0, (int)Math.Min(bytes.Length, (long)maxBytes));
            long valid = SegmentDump.Write(output, limited, deep, print, skipMetadata);
            long trailing = bytes.Length - valid;
            if (trailing > 0 && maxBytes == int.MaxValue) output.WriteLine($"Found {trailing} invalid bytes at the end of {name}");
        }

        return Task.FromResult(0);
    }
}
