using Broker.IntegrationTests.Cluster;
using Broker.TestKit;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.IntegrationTests.Security;

/// <summary>
/// Issue 14 item 5: the authorization matrix. Three brokers with Kafka's ACL authorizer; principals × operations ×
/// resources × {allow, deny, none}, each cell set through CreateAcls and checked through a real client
/// (Confluent.Kafka producer, consumer and admin), compared with Kafka's rules written out independently here: deny
/// wins, Read/Write/Delete/Alter imply Describe, AlterConfigs implies DescribeConfigs, no matching ACL denies, super
/// users pass. Also: ACL changes reach every broker within seconds, and bin/acls.sh prints Kafka's format.
/// </summary>
[TestFixture]
public sealed partial class AuthorizationMatrixTests
{
    private TestCluster _cluster = null!;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    [OneTimeSetUp]
    public async Task Start() => _cluster = await TestCluster.StartAsync(3, perBroker: (_, port) => AuthorizationCluster.Settings(port));

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (TestContext.CurrentContext.Result.FailCount > 0) TestContext.Out.WriteLine(_cluster.OutputOfAll());
        await _cluster.DisposeAsync();
    }

    private ClientConfig As(string user, string? bootstrap = null) => new(AuthorizationCluster.Client(bootstrap ?? _cluster.Bootstrap, user));

    private enum State { None, Allow, Deny }

    private static readonly string[] Principals = ["alice", "bob", "carol", "admin"];

    private static readonly AclOperation[] TopicOps =
        [AclOperation.Describe, AclOperation.Write, AclOperation.Read, AclOperation.Create, AclOperation.Delete, AclOperation.DescribeConfigs, AclOperation.AlterConfigs];

    private static readonly AclOperation[] GroupOps = [AclOperation.Describe, AclOperation.Delete, AclOperation.Read];

    private static readonly AclOperation[] ClusterOps = [AclOperation.Describe, AclOperation.Alter, AclOperation.Create, AclOperation.DescribeConfigs];

    /// <summary>A cell's state: every operation of every resource meets none, allow and deny across principals; admin (super user) is denied everything.</summary>
    private static State StateOf(int principal, int resource, int op) =>
        Principals[principal] == "admin" ? State.Deny : (State)((principal + 2 * resource + op) % 3);

    /// <summary>Kafka's rules, written out: deny of the operation wins, then an allow of it or of an operation implying it.</summary>
    private static bool Allowed(Func<AclOperation, State> state, string principal, AclOperation op)
    {
        if (principal == "admin") return true;
        if (state(op) == State.Deny) return false;
        AclOperation[] implying = op switch
        {
            AclOperation.Describe => [AclOperation.Describe, AclOperation.Read, AclOperation.Write, AclOperation.Delete, AclOperation.Alter],
            AclOperation.DescribeConfigs => [AclOperation.DescribeConfigs, AclOperation.AlterConfigs],
            _ => [op],
        };
        return implying.Any(o => state(o) == State.Allow);
    }

    private sealed record Cell(string Principal, string Resource, AclOperation Op, State State, bool Expected, bool Actual, string Detail);

    [Test]
    public async Task EveryCell_MatchesKafkasRules_ThroughRealClients()
    {
        string topicA = $"acl-a-{_run}", prefixB = $"acl-b-{_run}-", topicB = prefixB + "t", topicC = $"acl-c-{_run}";
        string group = $"acl-h-{_run}", readGroups = $"acl-g-{_run}-";
        var topicResources = new[]
        {
            (Name: topicA, Pattern: new ResourcePattern { Type = ResourceType.Topic, Name = topicA, ResourcePatternType = ResourcePatternType.Literal }),
            (Name: topicB, Pattern: new ResourcePattern { Type = ResourceType.Topic, Name = prefixB, ResourcePatternType = ResourcePatternType.Prefixed }),
        };
        var groupPattern = new ResourcePattern { Type = ResourceType.Group, Name = group, ResourcePatternType = ResourcePatternType.Literal };
        var clusterPattern = new ResourcePattern { Type = ResourceType.Broker, Name = "kafka-cluster", ResourcePatternType = ResourcePatternType.Literal };

        var bindings = new List<AclBinding>
        {
            // Shared scaffolding: everyone may Read the consumers' groups and Read/Describe topic C (the group Read cells commit on it).
            Binding(new ResourcePattern { Type = ResourceType.Group, Name = readGroups, ResourcePatternType = ResourcePatternType.Prefixed }, "User:*", AclOperation.Read, State.Allow),
            Binding(new ResourcePattern { Type = ResourceType.Topic, Name = topicC, ResourcePatternType = ResourcePatternType.Literal }, "User:*", AclOperation.Read, State.Allow),
        };
        for (int p = 0; p < Principals.Length; p++)
        {
            for (int r = 0; r < topicResources.Length; r++)
                for (int o = 0; o < TopicOps.Length; o++)
                    if (StateOf(p, r, o) != State.None) bindings.Add(Binding(topicResources[r].Pattern, "User:" + Principals[p], TopicOps[o], StateOf(p, r, o)));
            for (int o = 0; o < GroupOps.Length; o++)
                if (StateOf(p, 2, o) != State.None) bindings.Add(Binding(groupPattern, "User:" + Principals[p], GroupOps[o], StateOf(p, 2, o)));
            for (int o = 0; o < ClusterOps.Length; o++)
                if (StateOf(p, 3, o) != State.None) bindings.Add(Binding(clusterPattern, "User:" + Principals[p], ClusterOps[o], StateOf(p, 3, o)));
        }

        using (var admin = new AdminClientBuilder(As("admin")).Build())
        {
            await admin.CreateTopicsAsync(new[] { topicA, topicB, topicC }.Select(t => new TopicSpecification { Name = t, NumPartitions = 1, ReplicationFactor = 3 }));
            await admin.CreateAclsAsync(bindings);
            await WaitForAclsEverywhereAsync(bindings.Count);
        }

        // Records to read; acks=all over three replicas: the followers replicate as User:broker, a super user.
        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig(As("admin")) { Acks = Acks.All }).Build())
            foreach (var t in new[] { topicA, topicB, topicC }) await producer.ProduceAsync(t, new Message<Null, string> { Value = "m" });

        var started = DateTime.UtcNow;
        var cells = (await Task.WhenAll(Enumerable.Range(0, Principals.Length).Select(p => Task.Run(async () =>
        {
            var list = new List<Cell>();
            string principal = Principals[p];
            State C(AclOperation op) => StateOf(p, 3, Array.IndexOf(ClusterOps, op));
            for (int r = 0; r < topicResources.Length; r++)
            {
                int res = r;
                State S(AclOperation op) => StateOf(p, res, Array.IndexOf(TopicOps, op));
                foreach (var op in TopicOps)
                {
                    // What the client needs besides the API's own check: metadata (Describe) to find the leader.
                    bool expected = Allowed(S, principal, op) && (op is AclOperation.Write or AclOperation.Read or AclOperation.Delete ? Allowed(S, principal, AclOperation.Describe) : true);
                    // CreateTopics: Create on the cluster allows every topic, whatever the topic's ACLs (Kafka's rule).
                    if (op == AclOperation.Create && Allowed(C, principal, AclOperation.Create)) expected = true;
                    var (actual, detail) = await Bounded(() => CheckTopicAsync(principal, topicResources[res].Name, op, readGroups));
                    list.Add(new Cell(principal, topicResources[r].Name, op, S(op), expected, actual, detail));
                }
            }

            State G(AclOperation op) => StateOf(p, 2, Array.IndexOf(GroupOps, op));
            foreach (var op in GroupOps)
            {
                // Every group API first finds the coordinator (FindCoordinator: Describe on the group).
                bool expected = Allowed(G, principal, op) && Allowed(G, principal, AclOperation.Describe);
                var (actual, detail) = await Bounded(() => CheckGroupAsync(principal, group, op, topicC));
                list.Add(new Cell(principal, group, op, G(op), expected, actual, detail));
            }

            foreach (var op in ClusterOps)
            {
                var (actual, detail) = await Bounded(() => CheckClusterAsync(principal, op));
                list.Add(new Cell(principal, "kafka-cluster", op, C(op), Allowed(C, principal, op), actual, detail));
            }

            return list;
        })))).SelectMany(c => c).ToList();

        var wrong = cells.Where(c => c.Expected != c.Actual || c.Detail.StartsWith("UNEXPECTED", StringComparison.Ordinal)).ToList();
        TestContext.Out.WriteLine($"{cells.Count} cells checked in {(DateTime.UtcNow - started).TotalSeconds:F1} s; {wrong.Count} differ from Kafka's rules");
        foreach (var c in cells) TestContext.Out.WriteLine($"{c.Principal,-6} {c.Op,-16} {c.Resource,-24} {c.State,-5} expected {(c.Expected ? "allowed" : "denied"),-7} got {c.Detail}");
        Assert.That(cells.Select(c => c.State).Distinct().Count(), Is.EqualTo(3), "the matrix covers allow, deny and none");
        Assert.That(wrong, Is.Empty, string.Join("\n", wrong.Select(c => $"{c.Principal} {c.Op} {c.Resource} ({c.State}): expected {(c.Expected ? "allowed" : "denied")}, got {c.Detail}")));
    }

    /// <summary>Runs one check on its own thread with a hard bound: a client call that never returns fails its cell, not the run.</summary>
    private static async Task<(bool, string)> Bounded(Func<Task<(bool, string)>> check)
    {
        var task = Task.Run(check);
        return await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(20))) == task ? await task : (false, "UNEXPECTED no answer within 20 s");
    }

    private static AclBinding Binding(ResourcePattern pattern, string principal, AclOperation op, State state) => new()
    {
        Pattern = pattern,
        Entry = new AccessControlEntry
        {
            Principal = principal, Host = "*", Operation = op,
            PermissionType = state == State.Allow ? AclPermissionType.Allow : AclPermissionType.Deny,
        },
    };

    /// <summary>Polls DescribeAcls on each broker alone until it reports <paramref name="count"/> ACLs: every cache has them all.</summary>
    private async Task WaitForAclsEverywhereAsync(int count)
    {
        foreach (var broker in _cluster.Brokers)
        {
            using var admin = new AdminClientBuilder(As("admin", broker.BootstrapServers)).Build();
            await Poll.UntilAsync(async () =>
            {
                var all = await admin.DescribeAclsAsync(new AclBindingFilter
                {
                    PatternFilter = new ResourcePatternFilter { Type = ResourceType.Any, ResourcePatternType = ResourcePatternType.Any },
                    EntryFilter = new AccessControlEntryFilter { Operation = AclOperation.Any, PermissionType = AclPermissionType.Any },
                });
                return all.AclBindings.Count >= count;
            }, TimeSpan.FromSeconds(30), $"{count} ACLs at broker {broker.BrokerId}");
        }
    }
}
