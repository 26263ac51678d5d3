using Broker.Cli.CommandLine;

namespace Broker.Cli.ConsumerGroups;

/// <summary>Option combination checks, worded as Kafka's ConsumerGroupCommandOptions.checkArgs.</summary>
internal sealed partial class ConsumerGroupsCommand
{
    private void CheckArgs(ParsedOptions options)
    {
        if (Actions.Count(options.Has) != 1)
            throw new UsageException("Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets", _parser);
        if (!options.Has("bootstrap-server")) throw new UsageException("Missing required argument \"[bootstrap-server]\"", _parser);
        if (options.Value("output") is not ("text" or "json"))
            throw new UsageException($"Option [output] must be 'text' or 'json', not '{options.Value("output")}'", _parser);

        bool groupGiven = options.Has("group") || options.Has("all-groups");
        if (options.Has("group") && options.Has("all-groups"))
            throw new UsageException("Option \"[group]\" can't be used with option \"[all-groups]\"", _parser);
        if (options.Has("describe") || options.Has("delete") || options.Has("reset-offsets"))
        {
            string action = Actions.First(options.Has);
            if (!groupGiven) throw new UsageException($"Option [{action}] takes one of these options: [all-groups], [group]", _parser);
        }

        if (options.Has("describe"))
        {
            if (new[] { "members", "offsets", "state" }.Count(options.Has) > 1)
                throw new UsageException("Option [describe] takes at most one of these options: [members], [offsets], [state]", _parser);
            if (options.Has("state") && options.Value("state") is not null)
                throw new UsageException("Option [describe] does not take a value for [state]", _parser);
        }

        if (options.Has("delete-offsets") && (!options.Has("group") || !options.Has("topic")))
            throw new UsageException("Option [delete-offsets] takes the following options: [group], [topic]", _parser);

        if (options.Has("reset-offsets"))
        {
            if (options.Has("dry-run") && options.Has("execute"))
                throw new UsageException("Option [reset-offsets] only accepts one of [execute], [dry-run]", _parser);
            if (ResetScenarios.Count(options.Has) != 1)
                throw new UsageException("Option [reset-offsets] takes exactly one of these options: " +
                                         string.Join(", ", ResetScenarios.Select(s => $"[{s}]")), _parser);
            if (!options.Has("from-file") && options.Has("topic") == options.Has("all-topics"))
                throw new UsageException("Option [reset-offsets] takes one of these options: [all-topics], [topic]", _parser);
        }

        foreach (string scenario in ResetScenarios)
            Invalid(options, scenario, "list", "describe", "delete", "delete-offsets");
        foreach (string extra in new[] { "total-lag", "watch" }) Invalid(options, extra, "list", "delete", "reset-offsets", "delete-offsets");
        Invalid(options, "members", "list", "delete", "reset-offsets", "delete-offsets");
        Invalid(options, "verbose", "list", "delete", "reset-offsets", "delete-offsets");
        Invalid(options, "all-topics", "list", "describe", "delete", "delete-offsets");
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
}
