using Broker.Cli.CommandLine;
using Broker.Coordination.Acls;
using K = Confluent.Kafka.Admin;

namespace Broker.Cli.Acls;

internal sealed partial class AclsCommand
{
    private static readonly string Newline = Environment.NewLine;

    /// <summary>Operations each resource type accepts (Kafka's AclEntry.supportedOperations).</summary>
    private static readonly Dictionary<AclResourceType, AclOperation[]> Supported = new()
    {
        [AclResourceType.Topic] = [AclOperation.Read, AclOperation.Write, AclOperation.Create, AclOperation.Describe, AclOperation.Delete,
            AclOperation.Alter, AclOperation.DescribeConfigs, AclOperation.AlterConfigs, AclOperation.All],
        [AclResourceType.Group] = [AclOperation.Read, AclOperation.Describe, AclOperation.Delete, AclOperation.All],
        [AclResourceType.Cluster] = [AclOperation.Create, AclOperation.ClusterAction, AclOperation.DescribeConfigs, AclOperation.AlterConfigs,
            AclOperation.IdempotentWrite, AclOperation.Alter, AclOperation.Describe, AclOperation.All],
        [AclResourceType.TransactionalId] = [AclOperation.Describe, AclOperation.Write, AclOperation.All],
    };

    private async Task AddAsync(Confluent.Kafka.IAdminClient admin, ParsedOptions options)
    {
        var patternType = PatternType(options)!.Value;
        if (patternType is not (AclPatternType.Literal or AclPatternType.Prefixed))
            throw new UsageException($"A '--resource-pattern-type' value of '{AclNames.Upper(patternType)}' is not valid when adding acls.", _parser);
        var toAdd = ResourceToAcls(options);
        if (toAdd.Values.Any(a => a.Count == 0))
            throw new UsageException("You must specify one of: --allow-principal, --deny-principal when trying to add ACLs.", _parser);
        foreach (var (resource, acls) in toAdd)
        {
            System.Console.Out.WriteLine($"Adding ACLs for resource `{resource}`: {Newline} {string.Join(Newline, acls.Select(a => "\t" + a))} {Newline}");
            await admin.CreateAclsAsync(acls.Select(a => ToBinding(resource, a)).ToList());
        }

        await ListAsync(admin, options);
    }

    private async Task RemoveAsync(Confluent.Kafka.IAdminClient admin, ParsedOptions options)
    {
        foreach (var (filter, acls) in ResourceToAcls(options))
        {
            string question = acls.Count == 0
                ? $"Are you sure you want to delete all ACLs for resource filter `{FilterText(filter)}`? (y/n)"
                : $"Are you sure you want to remove ACLs: {Newline} {string.Join(Newline, acls.Select(a => "\t" + a))} {Newline} from resource filter `{FilterText(filter)}`? (y/n)";
            if (!options.Has("force"))
            {
                System.Console.Out.WriteLine(question);
                if (!string.Equals(System.Console.In.ReadLine()?.Trim(), "y", StringComparison.OrdinalIgnoreCase)) continue;
            }

            var pattern = new K.ResourcePatternFilter { Type = (K.ResourceType)filter.Type, Name = filter.Name, ResourcePatternType = (K.ResourcePatternType)filter.PatternType };
            var filters = acls.Count == 0
                ? [new K.AclBindingFilter { PatternFilter = pattern, EntryFilter = new K.AccessControlEntryFilter { Operation = K.AclOperation.Any, PermissionType = K.AclPermissionType.Any } }]
                : acls.Select(a => new K.AclBindingFilter
                {
                    PatternFilter = pattern,
                    EntryFilter = new K.AccessControlEntryFilter { Principal = a.Principal, Host = a.Host, Operation = (K.AclOperation)a.Operation, PermissionType = (K.AclPermissionType)a.Permission },
                }).ToList();
            await admin.DeleteAclsAsync(filters);
        }

        await ListAsync(admin, options);
    }

    private async Task ListAsync(Confluent.Kafka.IAdminClient admin, ParsedOptions options)
    {
        var filters = ResourceFilters(options);
        var bindings = new List<K.AclBinding>();
        if (filters.Count == 0)
        {
            bindings.AddRange((await admin.DescribeAclsAsync(AnyFilter(new K.ResourcePatternFilter
            {
                Type = K.ResourceType.Any, ResourcePatternType = K.ResourcePatternType.Any,
            }))).AclBindings);
        }
        else
        {
            foreach (var f in filters)
            {
                bindings.AddRange((await admin.DescribeAclsAsync(AnyFilter(new K.ResourcePatternFilter
                {
                    Type = (K.ResourceType)f.Type, Name = f.Name, ResourcePatternType = (K.ResourcePatternType)f.PatternType,
                }))).AclBindings);
            }
        }

        var byResource = bindings
            .Select(b => (Pattern: new ResourcePattern((AclResourceType)b.Pattern.Type, b.Pattern.Name, (AclPatternType)b.Pattern.ResourcePatternType),
                Entry: new AclEntry(b.Entry.Principal, b.Entry.Host, (AclOperation)b.Entry.Operation, (AclPermission)b.Entry.PermissionType)))
            .GroupBy(b => b.Pattern).ToList();
        var principals = options.Values("principal");
        if (principals.Count == 0)
        {
            Print(byResource);
            return;
        }

        foreach (var principal in principals)
        {
            System.Console.Out.WriteLine($"ACLs for principal `{principal}`");
            Print(byResource.Select(g => g.Where(b => b.Entry.Principal == principal.Trim()).GroupBy(b => g.Key).FirstOrDefault()).OfType<IGrouping<ResourcePattern, (ResourcePattern, AclEntry)>>().ToList());
        }
    }

    private static void Print(IEnumerable<IGrouping<ResourcePattern, (ResourcePattern Pattern, AclEntry Entry)>> byResource)
    {
        foreach (var g in byResource)
            System.Console.Out.WriteLine($"Current ACLs for resource `{g.Key}`: {Newline} {string.Join(Newline, g.Select(b => b.Entry).Distinct().Select(a => "\t" + a))} {Newline}");
    }

    private static K.AclBindingFilter AnyFilter(K.ResourcePatternFilter pattern) => new()
    {
        PatternFilter = pattern,
        EntryFilter = new K.AccessControlEntryFilter { Operation = K.AclOperation.Any, PermissionType = K.AclPermissionType.Any },
    };

    private static K.AclBinding ToBinding(ResourcePattern p, AclEntry e) => new()
    {
        Pattern = new K.ResourcePattern { Type = (K.ResourceType)p.Type, Name = p.Name, ResourcePatternType = (K.ResourcePatternType)p.PatternType },
        Entry = new K.AccessControlEntry { Principal = e.Principal, Host = e.Host, Operation = (K.AclOperation)e.Operation, PermissionType = (K.AclPermissionType)e.Permission },
    };

    /// <summary>Kafka's ResourcePatternFilter.toString.</summary>
    private static string FilterText(ResourcePattern f) =>
        $"ResourcePattern(resourceType={AclNames.Upper(f.Type)}, name={f.Name}, patternType={AclNames.Upper(f.PatternType)})";

    /// <summary>The resources named on the command line, with the pattern type given (Kafka's getResourceFilter).</summary>
    private List<ResourcePattern> ResourceFilters(ParsedOptions options)
    {
        var patternType = PatternType(options)!.Value;
        var list = new List<ResourcePattern>();
        list.AddRange(options.Values("topic").Select(t => new ResourcePattern(AclResourceType.Topic, t.Trim(), patternType)));
        if (patternType == AclPatternType.Literal && (options.Has("cluster") || options.Has("idempotent")))
            list.Add(new ResourcePattern(AclResourceType.Cluster, ResourcePattern.ClusterName, AclPatternType.Literal));
        list.AddRange(options.Values("group").Select(g => new ResourcePattern(AclResourceType.Group, g.Trim(), patternType)));
        list.AddRange(options.Values("transactional-id").Select(t => new ResourcePattern(AclResourceType.TransactionalId, t, patternType)));
        return list.Distinct().ToList();
    }

    /// <summary>Kafka's getResourceFilterToAcls: the CLI's ACLs per resource, or the --producer/--consumer roles'.</summary>
    private Dictionary<ResourcePattern, List<AclEntry>> ResourceToAcls(ParsedOptions options)
    {
        var filters = ResourceFilters(options);
        if (filters.Count == 0)
            throw new UsageException("You must provide at least one resource: --topic <topic> or --cluster or --group <group> or --delegation-token <Delegation Token ID>", _parser);
        var result = new Dictionary<ResourcePattern, List<AclEntry>>();
        void Add(ResourcePattern r, IEnumerable<AclEntry> acls)
        {
            if (!result.TryGetValue(r, out var list)) result[r] = list = [];
            foreach (var a in acls) if (!list.Contains(a)) list.Add(a);
        }

        bool producer = options.Has("producer"), consumer = options.Has("consumer");
        if (!producer && !consumer)
        {
            var ops = options.Values("operation").DefaultIfEmpty("All")
                .Select(o => AclNames.Parse<AclOperation>(o) is { } op and not (AclOperation.Any or AclOperation.Unknown)
                    ? op : throw new UsageException($"Unknown operation: {o}", _parser)).ToList();
            foreach (var f in filters) Add(f, Entries(options, ops));
        }

        if (producer)
        {
            foreach (var t in filters.Where(f => f.Type == AclResourceType.Topic)) Add(t, Entries(options, [AclOperation.Write, AclOperation.Describe, AclOperation.Create]));
            foreach (var t in filters.Where(f => f.Type == AclResourceType.TransactionalId)) Add(t, Entries(options, [AclOperation.Write, AclOperation.Describe]));
            if (options.Has("idempotent"))
                Add(new ResourcePattern(AclResourceType.Cluster, ResourcePattern.ClusterName, AclPatternType.Literal), Entries(options, [AclOperation.IdempotentWrite]));
        }

        if (consumer)
        {
            foreach (var t in filters.Where(f => f.Type == AclResourceType.Topic)) Add(t, Entries(options, [AclOperation.Read, AclOperation.Describe]));
            foreach (var g in filters.Where(f => f.Type == AclResourceType.Group)) Add(g, Entries(options, [AclOperation.Read]));
        }

        foreach (var (resource, acls) in result)
        {
            var supported = Supported.GetValueOrDefault(resource.Type, []);
            if (acls.FirstOrDefault(a => !supported.Contains(a.Operation)) is not null)
                throw new UsageException($"ResourceType {AclNames.Upper(resource.Type)} only supports operations {string.Join(",", supported.Select(AclNames.Pascal))}", _parser);
        }

        return result;
    }

    /// <summary>Kafka's getAcl: allowed and denied principals × operations × hosts ("*" when no host is given).</summary>
    private List<AclEntry> Entries(ParsedOptions options, IReadOnlyList<AclOperation> operations)
    {
        var list = new List<AclEntry>();
        foreach (var (principals, hosts, permission) in new[]
                 {
                     (options.Values("allow-principal"), options.Values("allow-host"), AclPermission.Allow),
                     (options.Values("deny-principal"), options.Values("deny-host"), AclPermission.Deny),
                 })
        {
            var hostList = hosts.Count > 0 ? hosts.Select(h => h.Trim()).ToList() : ["*"];
            foreach (var principal in principals.Select(p => p.Trim()))
            {
                if (principal.IndexOf(':') <= 0) throw new UsageException($"expected a string in format principalType:principalName but got {principal}", _parser);
                foreach (var op in operations)
                    foreach (var host in hostList)
                        list.Add(new AclEntry(principal, host, op, permission));
            }
        }

        return list;
    }
}
