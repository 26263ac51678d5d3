using System.Text.RegularExpressions;
using Broker.TestKit;
using Confluent.Kafka;

namespace Broker.Cli.Tests.ConsumerGroups;

/// <summary>
/// bin/consumer-groups.sh against a real broker with real Confluent.Kafka groups; tables compared byte for byte
/// (member ids masked). Each test uses its own topic and group names, so the broker per fixture keeps them apart.
/// </summary>
[TestFixture]
public sealed class ConsumerGroupsCommandTests : CliFixture
{
    private const string Header =
        "GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID\n";

    [Test]
    public async Task Describe_UnconsumedMessages_ShowLag_AndZeroOnceConsumedAndCommitted()
    {
        const string topic = "lag-topic", group = "lag-group";
        await GroupClients.CreateTopicAsync(Bootstrap, topic, 2);
        await GroupClients.ProduceAsync(Bootstrap, topic, 0, 5);
        await GroupClients.ProduceAsync(Bootstrap, topic, 1, 5);
        GroupClients.Commit(Bootstrap, group, new TopicPartitionOffset(topic, 0, 2), new TopicPartitionOffset(topic, 1, 5));
        await GroupClients.ProduceAsync(Bootstrap, topic, 1, 3);

        var lagging = await Groups("--bootstrap-server", Bootstrap, "--describe", "--group", group);
        Assert.That(lagging.ExitCode, Is.EqualTo(0), lagging.StandardError);
        Assert.That(lagging.StandardOutput, Is.EqualTo("\n" + Header +
            "lag-group       lag-topic       0          2               5               3               -               -               -\n" +
            "lag-group       lag-topic       1          5               8               3               -               -               -\n"));
        Assert.That(lagging.StandardError, Is.EqualTo("\nConsumer group 'lag-group' has no active members.\n"));

        using (var member = new GroupClients.Member(Bootstrap, group, topic, "lag-client"))
        {
            await member.WaitForAsync(6);
            ProcessResult active = null!;
            await Poll.UntilAsync(async () =>
            {
                active = await Groups("--bootstrap-server", Bootstrap, "--describe", "--group", group);
                return active.StandardOutput.Contains("lag-client") && !Regex.IsMatch(active.StandardOutput, @" [1-9]\d* +lag-client");
            }, TimeSpan.FromSeconds(30), "the member's rows with no lag");
            string masked = Regex.Replace(active.StandardOutput, @"(?<=lag-client-)[0-9a-f-]{36}", "00000000-0000-0000-0000-000000000000");
            Assert.That(masked, Is.EqualTo("\n" +
                "GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID                                     HOST            CLIENT-ID\n" +
                "lag-group       lag-topic       0          5               5               0               lag-client-00000000-0000-0000-0000-000000000000 /127.0.0.1      lag-client\n" +
                "lag-group       lag-topic       1          8               8               0               lag-client-00000000-0000-0000-0000-000000000000 /127.0.0.1      lag-client\n"));
            Assert.That(active.StandardError, Is.Empty);

            var members = await Groups("--bootstrap-server", Bootstrap, "--describe", "--group", group, "--members", "--verbose");
            Assert.That(Regex.Replace(members.StandardOutput, @"(?<=lag-client-)[0-9a-f-]{36}", "00000000-0000-0000-0000-000000000000"), Is.EqualTo("\n" +
                "GROUP           CONSUMER-ID                                     HOST            CLIENT-ID       #PARTITIONS     ASSIGNMENT\n" +
                "lag-group       lag-client-00000000-0000-0000-0000-000000000000 /127.0.0.1      lag-client      2               lag-topic(0,1)\n"));

            var state = await Groups("--bootstrap-server", Bootstrap, "--describe", "--group", group, "--state");
            Assert.That(state.StandardOutput, Does.Match(
                @"^\nGROUP           COORDINATOR \(ID\) +ASSIGNMENT-STRATEGY  STATE           #MEMBERS\nlag-group       \S+:\d+ \(0\) +range +Stable +1\n$"));

            var json = await Groups("--bootstrap-server", Bootstrap, "--describe", "--group", group, "--output", "json");
            using (var doc = System.Text.Json.JsonDocument.Parse(json.StandardOutput))
            {
                var described = doc.RootElement[0];
                Assert.That((described.GetProperty("state").GetString(), described.GetProperty("totalLag").GetInt64(),
                    described.GetProperty("offsets").GetArrayLength()), Is.EqualTo(("Stable", 0L, 2)));
            }

            var refused = await Groups("--bootstrap-server", Bootstrap, "--reset-offsets", "--group", group, "--all-topics", "--to-earliest", "--execute");
            Assert.That(refused.ExitCode, Is.EqualTo(1));
            Assert.That(refused.StandardError, Is.EqualTo(
                "\nError: Assignments can only be reset if the group 'lag-group' is inactive, but the current state is Stable.\n"));
        }

        var done = await Groups("--bootstrap-server", Bootstrap, "--describe", "--group", group, "--total-lag");
        Assert.That(done.StandardOutput, Is.EqualTo("\n" + Header +
            "lag-group       lag-topic       0          5               5               0               -               -               -\n" +
            "lag-group       lag-topic       1          8               8               0               -               -               -\n" +
            "TOTAL-LAG 0\n"));
    }

    [Test]
    public async Task ResetToEarliest_Execute_OnInactiveGroup_MakesNextConsumerRereadEverything()
    {
        const string topic = "reset-topic", group = "reset-group";
        await GroupClients.CreateTopicAsync(Bootstrap, topic, 1);
        await GroupClients.ProduceAsync(Bootstrap, topic, 0, 4);
        GroupClients.Commit(Bootstrap, group, new TopicPartitionOffset(topic, 0, 4));

        var dryRun = await Groups("--bootstrap-server", Bootstrap, "--reset-offsets", "--group", group, "--topic", topic, "--to-earliest", "--dry-run");
        Assert.That((dryRun.ExitCode, dryRun.StandardOutput), Is.EqualTo((0, "\n" +
            "GROUP                          TOPIC                          PARTITION  NEW-OFFSET     \n" +
            "reset-group                    reset-topic                    0          0              \n")), dryRun.StandardError);
        var unchanged = await Groups("--bootstrap-server", Bootstrap, "--describe", "--group", group);
        Assert.That(unchanged.StandardOutput, Does.Contain("reset-topic     0          4 "));

        var execute = await Groups("--bootstrap-server", Bootstrap, "--reset-offsets", "--group", group, "--topic", $"{topic}:0", "--to-earliest", "--execute");
        Assert.That((execute.ExitCode, execute.StandardOutput), Is.EqualTo((0, dryRun.StandardOutput)), execute.StandardError);

        using var member = new GroupClients.Member(Bootstrap, group, topic, "reset-client");
        await member.WaitForAsync(4);
        Assert.That(member.Consumed, Is.EqualTo(4));
    }

    [Test]
    public async Task ResetScenarios_ClampAndShift_AsKafkaDoes()
    {
        const string topic = "shift-topic", group = "shift-group";
        await GroupClients.CreateTopicAsync(Bootstrap, topic, 1);
        await GroupClients.ProduceAsync(Bootstrap, topic, 0, 10);
        GroupClients.Commit(Bootstrap, group, new TopicPartitionOffset(topic, 0, 6));

        async Task<string> NewOffset(params string[] scenario)
        {
            var run = await Groups(["--bootstrap-server", Bootstrap, "--reset-offsets", "--group", group, "--all-topics", "--dry-run", .. scenario]);
            Assert.That(run.ExitCode, Is.EqualTo(0), run.StandardError);
            return run.StandardOutput.Split('\n')[2].Split(' ', StringSplitOptions.RemoveEmptyEntries)[3];
        }

        Assert.That(await NewOffset("--shift-by", "-2"), Is.EqualTo("4"));
        Assert.That(await NewOffset("--shift-by", "100"), Is.EqualTo("10"));
        Assert.That(await NewOffset("--to-offset", "3"), Is.EqualTo("3"));
        Assert.That(await NewOffset("--to-current"), Is.EqualTo("6"));
        Assert.That(await NewOffset("--to-latest"), Is.EqualTo("10"));
        Assert.That(await NewOffset("--to-datetime", "2000-01-01T00:00:00.000"), Is.EqualTo("0"));
        Assert.That(await NewOffset("--by-duration", "PT0S"), Is.EqualTo("10"));
    }

    [Test]
    public async Task ListAndDelete_PrintKafkasLines()
    {
        const string topic = "list-topic";
        await GroupClients.CreateTopicAsync(Bootstrap, topic, 1);
        GroupClients.Commit(Bootstrap, "list-a", new TopicPartitionOffset(topic, 0, 0));
        GroupClients.Commit(Bootstrap, "list-b", new TopicPartitionOffset(topic, 0, 0));

        var list = await Groups("--bootstrap-server", Bootstrap, "--list");
        Assert.That(list.ExitCode, Is.EqualTo(0), list.StandardError);
        Assert.That(list.StandardOutput, Does.EndWith("\n"));
        Assert.That(list.StandardOutput.TrimEnd('\n').Split('\n'), Does.Contain("list-a").And.Contain("list-b"));

        var delete = await Groups("--bootstrap-server", Bootstrap, "--delete", "--group", "list-a");
        Assert.That((delete.ExitCode, delete.StandardOutput),
            Is.EqualTo((0, "Deletion of requested consumer groups ('list-a') was successful.\n")), delete.StandardError);
        var after = await Groups("--bootstrap-server", Bootstrap, "--list");
        Assert.That(after.StandardOutput.Split('\n'), Does.Not.Contain("list-a").And.Contain("list-b"));

        var gone = await Groups("--bootstrap-server", Bootstrap, "--describe", "--group", "list-a");
        Assert.That((gone.ExitCode, gone.StandardOutput, gone.StandardError),
            Is.EqualTo((0, "", "Error: Consumer group 'list-a' does not exist.\n")));

        var offsets = await Groups("--bootstrap-server", Bootstrap, "--delete-offsets", "--group", "list-b", "--topic", topic);
        Assert.That(offsets.ExitCode, Is.EqualTo(0), offsets.StandardOutput + offsets.StandardError);
        Assert.That(offsets.StandardOutput, Does.StartWith($"Request succeed for deleting offsets with topic {topic} group list-b\n"));
    }

    [Test]
    public async Task UsageErrors_ExitOne_WithKafkasMessageOnStderr()
    {
        var none = await Groups();
        Assert.That(none.ExitCode, Is.EqualTo(1));
        Assert.That(none.StandardError, Does.StartWith("List all consumer groups, describe a consumer group"));

        var noGroup = await Groups("--bootstrap-server", Bootstrap, "--describe");
        Assert.That(noGroup.ExitCode, Is.EqualTo(1));
        Assert.That(noGroup.StandardError, Does.StartWith("Option [describe] takes one of these options: [all-groups], [group]\n"));

        var twoScenarios = await Groups("--bootstrap-server", Bootstrap, "--reset-offsets", "--group", "g", "--all-topics", "--to-earliest", "--to-latest");
        Assert.That(twoScenarios.ExitCode, Is.EqualTo(1));
        Assert.That(twoScenarios.StandardError, Does.StartWith("Option [reset-offsets] takes exactly one of these options:"));
    }

    private Task<ProcessResult> Groups(params string[] args) => RunScriptAsync("consumer-groups.sh", args);
}
