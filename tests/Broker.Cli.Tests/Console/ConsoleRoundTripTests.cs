namespace Broker.Cli.Tests.Console;

/// <summary>bin/console-producer.sh into bin/console-consumer.sh against a real broker, with keys.</summary>
[TestFixture]
public sealed class ConsoleRoundTripTests : CliFixture
{
    [Test]
    public async Task KeyedLines_ProducedThenConsumedFromBeginning_PrintKafkasFormat()
    {
        string topic = UniqueTopic("console");
        await RunScriptAsync("topics.sh", ["--create", "--topic", topic, "--bootstrap-server", Bootstrap]);

        var produce = await RunScriptAsync("console-producer.sh",
            ["--bootstrap-server", Bootstrap, "--topic", topic, "--property", "parse.key=true", "--property", "key.separator=:"],
            "user1:hello\nuser2:world\nuser1:again\n");
        Assert.That(produce.ExitCode, Is.EqualTo(0), produce.StandardError);

        var consume = await RunScriptAsync("console-consumer.sh",
        [
            "--bootstrap-server", Bootstrap, "--topic", topic, "--from-beginning", "--max-messages", "3",
            "--property", "print.key=true", "--property", "print.partition=true", "--property", "print.offset=true",
        ]);
        Assert.That(consume.ExitCode, Is.EqualTo(0), consume.StandardError);
        Assert.That(consume.StandardOutput, Is.EqualTo(
            "Partition:0\tOffset:0\tuser1\thello\nPartition:0\tOffset:1\tuser2\tworld\nPartition:0\tOffset:2\tuser1\tagain\n"));
        Assert.That(consume.StandardError, Does.EndWith("Processed a total of 3 messages\n"));
    }

    [Test]
    public async Task PartitionAndOffset_ReadFromThatOffset_AndTimeoutEndsTheRun()
    {
        string topic = UniqueTopic("console-offset");
        await RunScriptAsync("topics.sh", ["--create", "--topic", topic, "--bootstrap-server", Bootstrap, "--partitions", "2"]);
        var produce = await RunScriptAsync("console-producer.sh",
            ["--bootstrap-server", Bootstrap, "--topic", topic, "--property", "parse.key=true", "--compression-codec", "gzip"], "k\ta\nk\tb\nk\tc\n");
        Assert.That(produce.ExitCode, Is.EqualTo(0), produce.StandardError);

        // Same key → same partition; find it by reading both.
        string output = "";
        foreach (string partition in new[] { "0", "1" })
        {
            var consume = await RunScriptAsync("console-consumer.sh",
                ["--bootstrap-server", Bootstrap, "--topic", topic, "--partition", partition, "--offset", "1", "--timeout-ms", "1500"]);
            Assert.That(consume.ExitCode, Is.EqualTo(0), consume.StandardError);
            Assert.That(consume.StandardError, Does.Contain("Processed a total of"));
            output += consume.StandardOutput;
        }

        Assert.That(output, Is.EqualTo("b\nc\n"));
    }

    [Test]
    public async Task LineWithoutKeySeparator_FailsWithKafkasMessage()
    {
        string topic = UniqueTopic("console-bad");
        var produce = await RunScriptAsync("console-producer.sh",
            ["--bootstrap-server", Bootstrap, "--topic", topic, "--property", "parse.key=true", "--property", "key.separator=:"], "no separator\n");
        Assert.That(produce.ExitCode, Is.EqualTo(1));
        Assert.That(produce.StandardError, Does.Contain("No key separator found on line number 1: 'no separator'"));
    }
}
