using System.Diagnostics;
using Broker.TestKit;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.IntegrationTests.Security;

public sealed partial class AuthorizationMatrixTests
{
    /// <summary>kcat -L of one topic through that broker alone, as bob: its first request can only go there.</summary>
    private async Task<string> KcatTopicAsync(string bootstrap, string topic)
    {
        var run = await ExternalProcess.RunAsync("kcat", [.. SaslCluster.KcatArgs(bootstrap, "PLAIN", "bob", AuthorizationCluster.Password), "-L", "-t", topic, "-m", "5"]);
        return run.StandardOutput + run.StandardError;
    }

    [Test]
    public async Task AclCreatedThroughOneBroker_TakesEffectOnEveryOtherBroker_WithinSeconds()
    {
        string topic = $"acl-p-{_run}";
        using (var admin = new AdminClientBuilder(As("admin")).Build())
            await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 1, ReplicationFactor = 3 }]);
        foreach (var broker in _cluster.Brokers)
            Assert.That(await KcatTopicAsync(broker.BootstrapServers, topic), Does.Contain("Topic authorization failed"), "bob has no ACL yet");

        var watch = Stopwatch.StartNew();
        using (var admin = new AdminClientBuilder(As("admin", _cluster.Broker(1).BootstrapServers)).Build())
        {
            await admin.CreateAclsAsync([Binding(new ResourcePattern { Type = ResourceType.Topic, Name = topic, ResourcePatternType = ResourcePatternType.Literal },
                "User:bob", AclOperation.Describe, State.Allow)]);
        }

        // librdkafka sends CreateAcls to any broker it is connected to: the one that wrote the ACL logs it.
        string added = $"Added ACLs for resource `ResourcePattern(resourceType=TOPIC, name={topic}, patternType=LITERAL)`";
        int writer = -1;
        await Poll.UntilAsync(() => (writer = _cluster.Brokers.FirstOrDefault(b => string.Join("\n", b.Output).Contains(added, StringComparison.Ordinal))?.BrokerId ?? -1) > 0,
            TimeSpan.FromSeconds(10), "a broker to log the ACL it wrote");
        TestContext.Out.WriteLine($"broker {writer} wrote the ACL");
        foreach (var broker in _cluster.Brokers.Where(b => b.BrokerId != writer))
        {
            string last = "";
            await Poll.UntilAsync(async () => (last = await KcatTopicAsync(broker.BootstrapServers, topic)).Contains($"topic \"{topic}\" with 1 partitions", StringComparison.Ordinal),
                TimeSpan.FromSeconds(10), $"bob to see {topic} through broker {broker.BrokerId}");
            TestContext.Out.WriteLine($"broker {broker.BrokerId} enforces the new ACL after {watch.ElapsedMilliseconds} ms");
        }

        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
    }

    [Test]
    public async Task AclsTool_AddsListsAndRemoves_InKafkasFormat()
    {
        string topic = $"acl-tool-{_run}";
        string config = Path.Combine(Path.GetTempPath(), $"acl-admin-{_run}.properties");
        await File.WriteAllTextAsync(config, "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\n" +
            $"sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" password=\"{AuthorizationCluster.Password}\";\n");
        try
        {
            string[] common = ["--bootstrap-server", _cluster.Bootstrap, "--command-config", config];
            var add = await AclsAsync([.. common, "--add", "--allow-principal", "User:alice", "--producer", "--topic", topic]);
            string pattern = $"ResourcePattern(resourceType=TOPIC, name={topic}, patternType=LITERAL)";
            Assert.That(add.StandardOutput, Does.StartWith($"Adding ACLs for resource `{pattern}`: \n \t(principal=User:alice, host=*, operation="));

            var list = await AclsAsync([.. common, "--list", "--topic", topic]);
            var lines = list.StandardOutput.Split('\n');
            Assert.That(lines[0], Is.EqualTo($"Current ACLs for resource `{pattern}`: "));
            var entries = lines.Skip(1).TakeWhile(l => l.Trim().Length > 0).Select(l => l.Trim()).OrderBy(l => l, StringComparer.Ordinal).ToList();
            Assert.That(entries, Is.EqualTo(new[]
            {
                "(principal=User:alice, host=*, operation=CREATE, permissionType=ALLOW)",
                "(principal=User:alice, host=*, operation=DESCRIBE, permissionType=ALLOW)",
                "(principal=User:alice, host=*, operation=WRITE, permissionType=ALLOW)",
            }));
            Assert.That(lines[1], Does.StartWith(" \t("), "Kafka's ' \\t' before the first entry");
            Assert.That(lines[3], Does.EndWith(") "), "and ' ' after the last, then an empty line");

            var byPrincipal = await AclsAsync([.. common, "--list", "--topic", topic, "--principal", "User:bob"]);
            Assert.That(byPrincipal.StandardOutput.Trim(), Is.EqualTo("ACLs for principal `User:bob`"));

            await AclsAsync([.. common, "--remove", "--force", "--allow-principal", "User:alice", "--operation", "Create", "--topic", topic]);
            var after = await AclsAsync([.. common, "--list", "--topic", topic]);
            Assert.That(after.StandardOutput, Does.Not.Contain("operation=CREATE").And.Contain("operation=WRITE"));

            var denied = await ExternalProcess.RunAsync("bash", ["bin/acls.sh", "--bootstrap-server", _cluster.Bootstrap, "--command-config", config.Replace("admin", "x"), "--list"],
                timeout: TimeSpan.FromMinutes(4), workingDirectory: RepoPaths.Root);
            Assert.That(denied.ExitCode, Is.Not.EqualTo(0), "a missing --command-config file is an error");
        }
        finally
        {
            File.Delete(config);
        }
    }

    private static async Task<ProcessResult> AclsAsync(params string[] args)
    {
        var run = await ExternalProcess.RunAsync("bash", ["bin/acls.sh", .. args], timeout: TimeSpan.FromMinutes(4), workingDirectory: RepoPaths.Root);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.StandardOutput + run.StandardError);
        return run;
    }
}
