using Broker.Cli.Clients;
using Broker.Cli.CommandLine;
using Broker.Coordination;
using Broker.Coordination.Scram;
using Broker.ZooKeeper;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using ScramMechanism = Broker.Coordination.Scram.ScramMechanism;

namespace Broker.Cli.Configs;

/// <summary>
/// <c>configs</c>: Kafka 3.6's kafka-configs.sh for <c>--entity-type users</c> (SCRAM credentials; the other entity
/// types come with the operations issue). Through <c>--bootstrap-server</c> it uses AlterUserScramCredentials /
/// DescribeUserScramCredentials (Confluent.Kafka's admin client: the password is salted and hashed client-side);
/// through <c>--zookeeper</c> it writes <c>/config/users/&lt;user&gt;</c> and a change notification directly, as
/// Kafka 3.6 still allows for bootstrapping SCRAM users before any broker runs. Output as Kafka prints it; exit 0 on
/// success, 1 on error.
/// </summary>
internal sealed class ConfigsCommand
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly OptionParser _parser = new OptionParser("This tool helps to manipulate and describe entity config for a topic, client, user, broker or ip")
        .Arg("bootstrap-server", "String: server to connect to", "The Kafka server to connect to. This or --zookeeper is required.")
        .Arg("zookeeper", "String: urls", "DEPRECATED. The connection string for the zookeeper connection; only for SCRAM users before any broker runs.")
        .Arg("command-config", "String: command config property file", "Property file containing configs to be passed to Admin Client.")
        .Arg("entity-type", "String", "Type of entity (users).")
        .Arg("entity-name", "String", "Name of entity (user name).")
        .Arg("user", "String", "The user's principal name (same as --entity-type users --entity-name <user>).")
        .Flag("describe", "List configs for the given entity.")
        .Flag("alter", "Alter the configuration for the entity.")
        .Flag("all", "List all configs for the given entity.")
        .Arg("add-config", "String", "Key Value pairs of configs to add, e.g. 'SCRAM-SHA-256=[iterations=8192,password=alice-secret]'.")
        .Arg("delete-config", "String", "config keys to remove 'k1,k2'")
        .Flag("help", "Print usage information.")
        .Flag("version", "Display Kafka version.");

    public async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0) throw new UsageException("Add/Remove entity config for a topic, client, user or broker", _parser);
        var options = _parser.Parse(args);
        if (_parser.PrintedHelpOrVersion(options, System.Console.Out)) return 0;

        string type = options.Value("entity-type") ?? (options.Has("user") ? "users" : "");
        string? user = options.Value("entity-name") ?? options.Value("user");
        if (options.Has("alter") == options.Has("describe"))
            throw new UsageException("Command must include exactly one action: --describe, --alter", _parser);
        if (type.Length == 0) throw new UsageException("--entity-type must be specified", _parser);
        if (type != "users")
            throw new UsageException($"--entity-type {type} is not served by this tool yet (users only: SCRAM credentials)");
        if (options.Has("bootstrap-server") == options.Has("zookeeper"))
            throw new UsageException("Only one of --bootstrap-server or --zookeeper must be specified", _parser);
        if (options.Has("alter") && user is null) throw new UsageException("an entity name must be specified with --alter of users", _parser);
        if (options.Has("alter") && !options.Has("add-config") && !options.Has("delete-config"))
            throw new UsageException("At least one of --add-config or --delete-config must be specified with --alter", _parser);

        var add = options.Value("add-config") is { } a ? ScramConfigSpec.ParseAll(a) : [];
        var delete = options.Value("delete-config") is { } d
            ? d.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList()
            : [];
        var badDeletes = delete.Where(k => ScramMechanism.FromName(k) is null).ToList();
        if (badDeletes.Count > 0) throw new UsageException("Invalid config(s): " + string.Join(",", badDeletes));

        try
        {
            if (options.Value("zookeeper") is { } zk)
            {
                System.Console.Out.WriteLine("Warning: --zookeeper is deprecated and will be removed in a future version of Kafka.");
                System.Console.Out.WriteLine("Use --bootstrap-server instead to specify a broker to connect to.");
                await using var client = new ZooKeeperClient(new ZooKeeperClientOptions { ConnectString = zk, SessionTimeout = Timeout });
                await client.ConnectAsync();
                var store = new KafkaZkStore(client);
                if (options.Has("alter")) await AlterZkAsync(store, user!, add, delete);
                else await DescribeZkAsync(store, user);
            }
            else
            {
                using var admin = CreateAdmin(options);
                if (options.Has("alter")) await AlterAsync(admin, user!, add, delete);
                else await DescribeAsync(admin, user);
            }

            return 0;
        }
        catch (Exception e) when (e is not UsageException)
        {
            System.Console.Out.WriteLine("Error while executing config command with args '" + string.Join(" ", Redacted(args)) + "'");
            System.Console.Out.WriteLine(Describe(e));
            if (ClientSettings.Debug) System.Console.Error.WriteLine(e);
            return 1;
        }
    }

    private static async Task AlterAsync(IAdminClient admin, string user, IReadOnlyList<ScramConfigSpec> add, IReadOnlyList<string> delete)
    {
        var alterations = new List<UserScramCredentialAlteration>();
        alterations.AddRange(add.Select(s => new UserScramCredentialUpsertion
        {
            User = user, Password = System.Text.Encoding.UTF8.GetBytes(s.Password),
            ScramCredentialInfo = new ScramCredentialInfo { Mechanism = ToClient(s.Mechanism), Iterations = s.Iterations },
        }));
        alterations.AddRange(delete.Select(k => new UserScramCredentialDeletion { User = user, Mechanism = ToClient(ScramMechanism.FromName(k)!) }));
        await admin.AlterUserScramCredentialsAsync(alterations, new AlterUserScramCredentialsOptions { RequestTimeout = Timeout });
        System.Console.Out.WriteLine($"Completed updating config for user {user}.");
    }

    private static async Task DescribeAsync(IAdminClient admin, string? user)
    {
        DescribeUserScramCredentialsResult result;
        try
        {
            result = await admin.DescribeUserScramCredentialsAsync(user is null ? [] : [user],
                new DescribeUserScramCredentialsOptions { RequestTimeout = Timeout });
        }
        catch (DescribeUserScramCredentialsException e) when (e.Results.UserScramCredentialsDescriptions.All(u => u.Error.Code == ErrorCode.ResourceNotFound))
        {
            return; // a user without credentials: Kafka prints nothing for it
        }

        foreach (var u in result.UserScramCredentialsDescriptions.Where(u => u.ScramCredentialInfos.Count > 0))
        {
            var infos = u.ScramCredentialInfos.Select(i => $"{FromClient(i.Mechanism)}=iterations={i.Iterations}");
            System.Console.Out.WriteLine($"SCRAM credential configs for user-principal '{u.User}' are {string.Join(", ", infos)}");
        }
    }

    private static async Task AlterZkAsync(KafkaZkStore store, string user, IReadOnlyList<ScramConfigSpec> add, IReadOnlyList<string> delete)
    {
        await store.UpdateUserConfigAsync(user, current =>
        {
            var next = new Dictionary<string, string>(current, StringComparer.Ordinal);
            foreach (var key in delete) next.Remove(key);
            foreach (var spec in add) next[spec.Mechanism.Name] = ScramCredential.FromPassword(spec.Mechanism, spec.Password, spec.Iterations).Format();
            return next;
        });
        System.Console.Out.WriteLine($"Completed updating config for entity: user-principal '{user}'.");
    }

    private static async Task DescribeZkAsync(KafkaZkStore store, string? user)
    {
        var users = user is null ? await store.GetConfiguredUsersAsync() : [user];
        foreach (var u in users)
        {
            var config = await store.GetUserConfigAsync(u);
            System.Console.Out.WriteLine($"Configs for user-principal '{u}' are {string.Join(",", config.Select(kv => $"{kv.Key}={kv.Value}"))}");
        }
    }

    private static Confluent.Kafka.Admin.ScramMechanism ToClient(ScramMechanism m) =>
        m == ScramMechanism.Sha256 ? Confluent.Kafka.Admin.ScramMechanism.ScramSha256 : Confluent.Kafka.Admin.ScramMechanism.ScramSha512;

    private static string FromClient(Confluent.Kafka.Admin.ScramMechanism m) =>
        m == Confluent.Kafka.Admin.ScramMechanism.ScramSha256 ? ScramMechanism.Sha256.Name : ScramMechanism.Sha512.Name;

    /// <summary>The command line with passwords hidden, for error messages.</summary>
    private static IEnumerable<string> Redacted(string[] args) =>
        args.Select(a => System.Text.RegularExpressions.Regex.Replace(a, "password=[^,\\]]*", "password=[hidden]"));

    private static string Describe(Exception e) => e switch
    {
        AlterUserScramCredentialsException a => string.Join("; ", a.Results.Where(r => r.Error.IsError).Select(r => $"{r.User}: {r.Error.Reason}")),
        KafkaException k => k.Error.Reason,
        _ => e.Message,
    };

    private static IAdminClient CreateAdmin(ParsedOptions options)
    {
        var file = options.Value("command-config") is { } path ? PropertiesFile.Load(path) : null;
        var settings = ClientSettings.Build(options.Value("bootstrap-server")!, file, []);
        return new AdminClientBuilder(settings).SetLogHandler((_, m) => ClientSettings.Log(m))
            .SetErrorHandler((_, e) => ClientSettings.Error(e)).Build();
    }
}
