using Broker.Cli.Clients;
using Broker.Cli.CommandLine;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.Cli.Topics;

/// <summary>
/// <c>topics</c>: Kafka 3.6's kafka-topics.sh over the Kafka protocol. Exactly one action; output and messages as
/// Kafka prints them; exit 0 on success, 1 on any error. Errors from the broker print
/// <c>Error while executing topic command : &lt;message&gt;</c> on stdout, usage errors print the usage on stderr.
/// </summary>
internal sealed partial class TopicsCommand
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly OptionParser _parser = new OptionParser("This tool helps to create, delete, describe, or change a topic.")
        .Arg("bootstrap-server", "String: server to connect to", "REQUIRED: The Kafka server to connect to.")
        .Arg("command-config", "String: command config property file", "Property file containing configs to be passed to Admin Client.")
        .Flag("list", "List all available topics.")
        .Flag("create", "Create a new topic.")
        .Flag("delete", "Delete a topic")
        .Flag("alter", "Alter the number of partitions and replica assignment.")
        .Flag("describe", "List details for the given topics.")
        .Arg("topic", "String: topic", "The topic to create, alter, describe or delete. It also accepts a regular expression, except for --create option.")
        .Arg("config", "String: name=value", "A topic configuration override for the topic being created (repeatable).")
        .Arg("partitions", "Integer: # of partitions", "The number of partitions for the topic being created or altered.")
        .Arg("replication-factor", "Integer: replication factor", "The replication factor for each partition in the topic being created.")
        .Arg("replica-assignment", "String: broker_id_for_part1_replica1 : broker_id_for_part1_replica2 , ...",
            "A list of manual partition-to-broker assignments for the topic being created or altered.")
        .Flag("under-replicated-partitions", "if set when describing topics, only show under replicated partitions")
        .Flag("unavailable-partitions", "if set when describing topics, only show partitions whose leader is not available")
        .Flag("under-min-isr-partitions", "if set when describing topics, only show partitions whose isr count is less than the configured minimum.")
        .Flag("at-min-isr-partitions", "if set when describing topics, only show partitions whose isr count is equal to the configured minimum.")
        .Flag("topics-with-overrides", "if set when describing topics, only show topics that have overridden configs")
        .Flag("if-exists", "if set when altering or deleting or describing topics, the action will only execute if the topic exists.")
        .Flag("if-not-exists", "if set when creating topics, the action will only execute if the topic does not already exist.")
        .Flag("exclude-internal", "exclude internal topics when running list or describe command. The internal topics will be listed by default")
        .Flag("help", "Print usage information.")
        .Flag("version", "Display Kafka version.");

    private static readonly string[] Actions = ["create", "list", "alter", "describe", "delete"];

    /// <summary>The describe filters; Kafka allows at most one of them.</summary>
    private static readonly string[] Reports =
        ["under-replicated-partitions", "under-min-isr-partitions", "at-min-isr-partitions", "unavailable-partitions", "topics-with-overrides"];

    public async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0) throw new UsageException("Create, delete, describe, or change a topic.", _parser);
        var options = _parser.Parse(args);
        if (_parser.PrintedHelpOrVersion(options, System.Console.Out)) return 0;

        CheckArgs(options);
        using var admin = CreateAdmin(options);
        try
        {
            if (options.Has("create")) await CreateAsync(admin, options);
            else if (options.Has("alter")) await AlterAsync(admin, options);
            else if (options.Has("list")) List(admin, options);
            else if (options.Has("describe")) await DescribeAsync(admin, options);
            else await DeleteAsync(admin, options);
            return 0;
        }
        catch (Exception e) when (e is not UsageException)
        {
            System.Console.Out.WriteLine("Error while executing topic command : " + Describe(e));
            if (ClientSettings.Debug) System.Console.Error.WriteLine(e);
            return 1;
        }
    }

    private void CheckArgs(ParsedOptions options)
    {
        if (Actions.Count(options.Has) != 1)
            throw new UsageException("Command must include exactly one action: --list, --describe, --create, --alter or --delete", _parser);
        if (!options.Has("bootstrap-server")) throw new UsageException("--bootstrap-server must be specified");
        if (!options.Has("list") && !options.Has("describe") && !options.Has("topic"))
            throw new UsageException("Missing required argument \"[topic]\"", _parser);
        if (options.Has("alter") && !options.Has("partitions"))
            throw new UsageException("Missing required argument \"[partitions]\"", _parser);
        Invalid(options, "config", "list", "describe", "delete");
        Invalid(options, "partitions", "list", "describe", "delete");
        Invalid(options, "replication-factor", "list", "describe", "delete", "alter");
        Invalid(options, "replica-assignment", "list", "describe", "delete");
        if (options.Has("create") && options.Has("replica-assignment"))
            Invalid(options, "replica-assignment", "partitions", "replication-factor");
        foreach (string report in Reports)
        {
            Invalid(options, report, "list", "create", "delete", "alter");
            Invalid(options, report, Reports.Where(r => r != report).ToArray());
        }
        Invalid(options, "if-exists", "list", "create");
        Invalid(options, "if-not-exists", "list", "describe", "delete", "alter");
        Invalid(options, "exclude-internal", "create", "delete", "alter");
    }

    /// <summary>Kafka's CommandLineUtils.checkInvalidArgs wording.</summary>
    private void Invalid(ParsedOptions options, string option, params string[] conflicting)
    {
        if (!options.Has(option)) return;
        foreach (string other in conflicting)
        {
            if (options.Has(other)) throw new UsageException($"Option \"[{option}]\" can't be used with option \"[{other}]\"", _parser);
        }
    }

    private static IAdminClient CreateAdmin(ParsedOptions options)
    {
        var file = options.Value("command-config") is { } path ? PropertiesFile.Load(path) : null;
        var settings = ClientSettings.Build(options.Value("bootstrap-server")!, file, []);
        return new AdminClientBuilder(settings).SetLogHandler((_, m) => ClientSettings.Log(m))
            .SetErrorHandler((_, e) => ClientSettings.Error(e)).Build();
    }

    /// <summary>The topics the filter selects, sorted by name (Kafka's getTopics).</summary>
    private static List<string> GetTopics(IAdminClient admin, ParsedOptions options)
    {
        var filter = new TopicFilter(options.Value("topic"), options.Has("exclude-internal"));
        var metadata = admin.GetMetadata(Timeout);
        return metadata.Topics.Where(t => t.Error.Code == ErrorCode.NoError).Select(t => t.Topic)
            .Where(filter.Allows).Order(StringComparer.Ordinal).ToList();
    }

    private static void EnsureTopicExists(IReadOnlyCollection<string> found, ParsedOptions options)
    {
        if (options.Value("topic") is { } requested && !options.Has("if-exists") && found.Count == 0)
            throw new InvalidOperationException($"Topic '{requested}' does not exist as expected");
    }

    /// <summary>The one-line reason Kafka prints: the broker's message for the first failed resource.</summary>
    private static string Describe(Exception e) => e switch
    {
        CreateTopicsException c => c.Results.Select(r => r.Error).FirstOrDefault(x => x.IsError)?.Reason ?? c.Message,
        DeleteTopicsException d => d.Results.Select(r => r.Error).FirstOrDefault(x => x.IsError)?.Reason ?? d.Message,
        CreatePartitionsException p => p.Results.Select(r => r.Error).FirstOrDefault(x => x.IsError)?.Reason ?? p.Message,
        DescribeConfigsException c => c.Results.Select(r => r.Error).FirstOrDefault(x => x.IsError)?.Reason ?? c.Message,
        DescribeTopicsException t => t.Results.TopicDescriptions.Select(r => r.Error).FirstOrDefault(x => x.IsError)?.Reason ?? t.Message,
        KafkaException k => k.Error.Reason,
        _ => e.Message,
    };
}
