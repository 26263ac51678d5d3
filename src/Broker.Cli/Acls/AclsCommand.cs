using Broker.Cli.Clients;
using Broker.Cli.CommandLine;
using Broker.Coordination.Acls;
using Confluent.Kafka;
using K = Confluent.Kafka.Admin;

namespace Broker.Cli.Acls;

/// <summary>
/// <c>acls</c>: Kafka 3.6's kafka-acls.sh through the admin API (--bootstrap-server, --command-config). --add,
/// --remove (asks "(y/n)" unless --force) and --list, on --topic/--group/--transactional-id (repeatable), --cluster,
/// with --resource-pattern-type (LITERAL by default; ANY and MATCH for --list/--remove), --allow-principal,
/// --deny-principal, --allow-host/--deny-host ("*" by default), --operation (All by default), the --producer
/// (Write, Describe, Create on topics; Write, Describe on transactional ids; IdempotentWrite on the cluster with
/// --idempotent) and --consumer (Read, Describe on topics; Read on groups) shortcuts. Prints Kafka's lines ("Adding
/// ACLs for resource `ResourcePattern(...)`:", "Current ACLs for resource `...`:", one "\t(principal=..., host=...,
/// operation=..., permissionType=...)" per entry). A failure prints "Error while executing ACL command: ..." and exits 1.
/// </summary>
internal sealed partial class AclsCommand
{
    private const string Description = "This tool helps to manage acls on kafka.";

    private readonly OptionParser _parser = new OptionParser(Description)
        .Arg("bootstrap-server", "String: server to connect to", "A list of host/port pairs to use for establishing the connection to the Kafka cluster. This list should be in the form host1:port1,host2:port2,... This config is required for acl management using admin client API.")
        .Arg("command-config", "String: command-config", "A property file containing configs to be passed to Admin Client.")
        .Arg("authorizer-properties", "String: authorizer-properties", "REQUIRED: properties required to configure an instance of Authorizer. These are key=val pairs. For the default authorizer, example values are: zookeeper.connect=localhost:2181 (not served: use --bootstrap-server)")
        .Flag("add", "Indicates you are trying to add ACLs.")
        .Flag("remove", "Indicates you are trying to remove ACLs.")
        .Flag("list", "List ACLs for the specified resource, use --topic <topic> or --group <group> or --cluster to specify a resource.")
        .Arg("operation", "String", "Operation that is being allowed or denied. Valid operation names are: \n\tDescribe\n\tDescribeConfigs\n\tAlter\n\tIdempotentWrite\n\tRead\n\tDelete\n\tCreate\n\tClusterAction\n\tAll\n\tWrite\n\tAlterConfigs\n", "All")
        .Arg("topic", "String: topic", "topic to which ACLs should be added or removed. A value of '*' indicates ACL should apply to all topics.")
        .Flag("cluster", "Add/Remove cluster ACLs.")
        .Arg("group", "String: group", "Consumer Group to which the ACLs should be added or removed. A value of '*' indicates the ACLs should apply to all groups.")
        .Arg("transactional-id", "String: transactional-id", "The transactionalId to which ACLs should be added or removed. A value of '*' indicates the ACLs should apply to all transactionalIds.")
        .Arg("resource-pattern-type", "ANY|MATCH|LITERAL|PREFIXED", "The type of the resource pattern or pattern filter. When adding acls, this should be a specific pattern type, e.g. 'literal' or 'prefixed'. When listing or removing acls, a specific pattern type can be used to list or remove acls from specific resource patterns, or use the filter values of 'any' or 'match', where 'any' will match any pattern type, but will match the resource name exactly, where as 'match' will perform pattern matching to list or remove all acls that affect the supplied resource(s). WARNING: 'match', when used in combination with the '--remove' switch, should be used with care.", "LITERAL")
        .Arg("allow-principal", "String: allow-principal", "principal is in principalType:name format. Note that principalType must be supported by the Authorizer being used. For example, User:'*' is the wild card indicating all users.")
        .Arg("deny-principal", "String: deny-principal", "principal is in principalType:name format. By default anyone not added through --allow-principal is denied access. You only need to use this option as negation to already allowed set. Note that principalType must be supported by the Authorizer being used. For example if you wanted to allow access to all users in the system but not test-user you can define an ACL that allows access to User:'*' and specifies --deny-principal=User:test@EXAMPLE.COM. AND PLEASE REMEMBER DENY RULES TAKES PRECEDENCE OVER ALLOW RULES.")
        .Arg("principal", "String: principal", "List ACLs for the specified principal. principal is in principalType:name format. Note that principalType must be supported by the Authorizer being used. Multiple --principal option can be passed.")
        .Arg("allow-host", "String: allow-host", "Host from which principals listed in --allow-principal will have access. If you have specified --allow-principal then the default for this option will be set to '*' which allows access from all hosts.")
        .Arg("deny-host", "String: deny-host", "Host from which principals listed in --deny-principal will be denied access. If you have specified --deny-principal then the default for this option will be set to '*' which denies access from all hosts.")
        .Flag("producer", "Convenience option to add/remove ACLs for producer role. This will generate ACLs that allows WRITE,DESCRIBE and CREATE on topic.")
        .Flag("consumer", "Convenience option to add/remove ACLs for consumer role. This will generate ACLs that allows READ,DESCRIBE on topic and READ on group.")
        .Flag("idempotent", "Enable idempotence for the producer. This should be used in combination with the --producer option. Note that idempotence is enabled automatically if the producer is authorized to a particular transactional-id.")
        .Flag("force", "Assume Yes to all queries and do not prompt.")
        .Flag("help", "Print usage information.")
        .Flag("version", "Display Kafka version.");

    public async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0) throw new UsageException(Description, _parser);
        var options = _parser.Parse(args);
        if (_parser.PrintedHelpOrVersion(options, System.Console.Out)) return 0;
        CheckArgs(options);

        var file = options.Value("command-config") is { } config ? PropertiesFile.Load(config) : null;
        using var admin = new AdminClientBuilder(ClientSettings.Build(options.Value("bootstrap-server")!, file, []))
            .SetLogHandler((_, m) => ClientSettings.Log(m)).SetErrorHandler((_, e) => ClientSettings.Error(e)).Build();
        try
        {
            if (options.Has("add")) await AddAsync(admin, options);
            else if (options.Has("remove")) await RemoveAsync(admin, options);
            else await ListAsync(admin, options);
            return 0;
        }
        catch (Exception e) when (e is KafkaException or K.CreateAclsException or K.DescribeAclsException or K.DeleteAclsException)
        {
            System.Console.Out.WriteLine($"Error while executing ACL command: {Reason(e)}");
            return 1;
        }
    }

    private void CheckArgs(ParsedOptions options)
    {
        if (options.Has("authorizer-properties"))
            throw new UsageException("--authorizer-properties (talking to ZooKeeper directly) is not served; use --bootstrap-server", _parser);
        if (!options.Has("bootstrap-server")) throw new UsageException("Missing required argument \"[bootstrap-server]\"", _parser);
        int actions = new[] { "add", "remove", "list" }.Count(options.Has);
        if (actions != 1) throw new UsageException("Command must include exactly one action: --list, --add, --remove. ", _parser);
        if (options.Has("list") && new[] { "producer", "consumer", "allow-host", "allow-principal", "deny-host", "deny-principal" }.FirstOrDefault(options.Has) is { } bad)
            throw new UsageException($"Option \"[list]\" can't be used with option \"[{bad}]\"", _parser);
        foreach (var role in new[] { "producer", "consumer" }.Where(options.Has))
            if (new[] { "operation", "deny-principal", "deny-host" }.FirstOrDefault(options.Has) is { } conflict)
                throw new UsageException($"Option \"[{role}]\" can't be used with option \"[{conflict}]\"", _parser);
        if (options.Has("producer") && !options.Has("topic")) throw new UsageException("With --producer you must specify a --topic", _parser);
        if (options.Has("idempotent") && !options.Has("producer")) throw new UsageException("The --idempotent option is only available if --producer is set", _parser);
        if (options.Has("consumer") && (!options.Has("topic") || !options.Has("group")
                || (!options.Has("producer") && (options.Has("cluster") || options.Has("transactional-id")))))
            throw new UsageException("With --consumer you must specify a --topic and a --group and no --cluster or --transactional-id option should be specified.", _parser);
        if (PatternType(options) is null)
            throw new UsageException($"Unknown resource pattern type: {options.Value("resource-pattern-type")}", _parser);
    }

    private static AclPatternType? PatternType(ParsedOptions options) => AclNames.Parse<AclPatternType>(options.Value("resource-pattern-type") ?? "LITERAL") switch
    {
        AclPatternType.Unknown => null,
        var p => p,
    };

    private static string Reason(Exception e) => e switch
    {
        K.CreateAclsException c => string.Join("; ", c.Results.Where(r => r.Error.IsError).Select(r => r.Error.Reason).Distinct()),
        K.DeleteAclsException d => string.Join("; ", d.Results.Where(r => r.Error.IsError).Select(r => r.Error.Reason).Distinct()),
        K.DescribeAclsException d => d.Result.Error.Reason,
        KafkaException k => k.Error.Reason,
        _ => e.Message,
    };
}
