using Broker.FaultSuite.Check;
using Broker.FaultSuite.Net;
using Broker.FaultSuite.Nodes;
using Broker.FaultSuite.Scenarios;
using Broker.FaultSuite.Workload;

namespace Broker.FaultSuite;

/// <summary>
/// Runs one round of one scenario: a fresh cluster, the topic (3 partitions, RF 3, min.insync.replicas=2), the
/// workload (librdkafka and kafkajs idempotent producers, a kafka-python acks=all producer, a committing librdkafka
/// group consumer and a committing kafka-python group consumer), the fault, healing, a quiet
/// period, then the checks. Every process is killed and every namespace's rules flushed at the end, whatever happened.
/// </summary>
public static class ScenarioRunner
{
    private const string Topic = "faults";
    private const int PartitionCount = 3;
    /// <summary>Records per second per producer; FAULT_RATE overrides it (e.g. to widen the window of a race).</summary>
    private static readonly int RatePerClient = int.TryParse(Environment.GetEnvironmentVariable("FAULT_RATE"), out int rate) ? rate : 60;

    public static async Task<ScenarioResult> RunAsync(Scenario scenario, int round, string runRoot)
    {
        var result = new ScenarioResult { Scenario = scenario.Name, Round = round };
        string runDirectory = Path.Combine(runRoot, $"{scenario.Name}-r{round}");
        Directory.CreateDirectory(runDirectory);
        FaultCluster? cluster = null;
        var producers = new List<IProducerWorkload>();
        GroupConsumer? consumer = null;
        KafkaPythonConsumer? pyConsumer = null;
        try
        {
            cluster = await FaultCluster.StartAsync(runDirectory, scenario.ZooKeepers, id => scenario.LogDirOf(id, runDirectory));
            await cluster.CreateTopicAsync(Topic, PartitionCount);
            foreach (var problem in await MetadataProbe.EveryBrokerKnowsLeadersAsync(cluster.Brokers.Select(b => b.Bootstrap), Topic, 3,
                         PartitionCount, TimeSpan.FromSeconds(20)))
                result.Anomalies.Add("metadata: " + problem);
            var context = new ScenarioContext(cluster, Topic, PartitionCount, result);
            context.Event("cluster up: " + await cluster.DescribeAsync(Topic, PartitionCount));
            producers.Add(new ConfluentProducer(cluster.Bootstrap, Topic, PartitionCount, RatePerClient));
            producers.Add(ScriptProducer.KafkaJs(cluster.Bootstrap, Topic, PartitionCount, RatePerClient, runDirectory));
            producers.Add(ScriptProducer.KafkaPython(cluster.Bootstrap, Topic, PartitionCount, RatePerClient, runDirectory));
            consumer = new GroupConsumer(cluster.Bootstrap, Topic);
            pyConsumer = new KafkaPythonConsumer(cluster.Bootstrap, Topic, runDirectory);
            foreach (var p in producers) p.Start();
            consumer.Start();
            pyConsumer.Start();
            await WaitForAcksAsync(producers, 100, TimeSpan.FromSeconds(60));
            context.Event($"workload running: {string.Join(", ", producers.Select(p => $"{p.Name} {p.Acks.Count} acks"))}");

            long faultStart = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            try
            {
                await scenario.InjectAsync(context);
            }
            finally
            {
                Firewall.HealAll();
                foreach (var b in cluster.Brokers) if (b.Process.IsRunning) TryResume(b.Process);
                foreach (var z in cluster.ZooKeepers) if (z.Process.IsRunning) TryResume(z.Process);
            }

            if (!await cluster.WaitForFullIsrAsync(Topic, PartitionCount, TimeSpan.FromSeconds(60)))
                result.Anomalies.Add("stall: ISRs not full 60 s after healing: " + await cluster.DescribeAsync(Topic, PartitionCount));
            context.Event("after healing: " + await cluster.DescribeAsync(Topic, PartitionCount));
            await WaitForFreshAcksAsync(producers, result, TimeSpan.FromSeconds(60));

            long workloadEnd = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            foreach (var p in producers)
            {
                long unresolved = await p.StopAsync(TimeSpan.FromSeconds(60));
                if (unresolved != 0) result.Anomalies.Add($"stall: {p.Name} has {unresolved} sends without an outcome 60 s after stopping");
                if (p.Fatal is not null) result.Anomalies.Add($"{p.Name} fatal error: {p.Fatal}");
            }

            await consumer.DisposeAsync();
            await pyConsumer.StopAsync(TimeSpan.FromSeconds(30));
            var committed = GroupConsumer.ReadCommitted(cluster.Bootstrap, Topic, PartitionCount);
            var pyCommitted = GroupConsumer.ReadCommitted(cluster.Bootstrap, Topic, PartitionCount, "fault-suite-py");
            var maxAcked = producers.SelectMany(p => p.Acks).GroupBy(a => a.Partition).ToDictionary(g => g.Key, g => g.Max(a => a.Offset));
            var read = FinalRead.Read(cluster.Bootstrap, Topic, PartitionCount, maxAcked);
            Checker.Check(result, producers, read, consumer.Commits, committed, faultStart, workloadEnd);
            Checker.CheckKafkaPythonConsumer(result, pyConsumer, read, pyCommitted);
            if (scenario.ClientsMustNotFail) Checker.CheckNoClientFailed(result, producers);
            result.Notes = $"failed sends {result.Failed} ({FailureSummary(producers)}); group commits {consumer.Commits.Count}, " +
                           $"commit errors {consumer.CommitErrors.Count}; kafka-python consumer: read {pyConsumer.Read.Count}, commits " +
                           $"{pyConsumer.Commits.Count}, commit errors {pyConsumer.CommitErrors.Count}{FirstError(pyConsumer.CommitErrors)}; " +
                           $"kafkajs records stored out of call order {result.ClientOrderNotes}; " +
                           $"acknowledged without an offset {result.AckedWithoutOffset}";
            WriteEvidence(runDirectory, producers, read);

            cluster.StopBrokers();
            ReplicaComparison.Compare(result, cluster.Brokers.Select(b => (b.Id, b.LogDir)).ToList(), Topic, read.HighWatermarks);
        }
        catch (Exception e)
        {
            result.Anomalies.Add($"harness: {e.GetType().Name}: {e.Message}");
            Console.WriteLine(e);
        }
        finally
        {
            foreach (var p in producers) await p.DisposeAsync();
            if (consumer is not null) await consumer.DisposeAsync();
            if (pyConsumer is not null) await pyConsumer.DisposeAsync();
            Firewall.HealAll();
            if (cluster is not null) await cluster.DisposeAsync();
            scenario.CleanUp(runDirectory);
        }

        File.WriteAllLines(Path.Combine(runDirectory, "events.txt"), result.Events.Concat(["", "anomalies:"]).Concat(result.Anomalies));
        return result;
    }

    private static string FailureSummary(List<IProducerWorkload> producers) =>
        string.Join(", ", producers.SelectMany(p => p.Failures).GroupBy(f => $"{f.Client} {Short(f.Error)}").Select(g => $"{g.Key}×{g.Count()}"));

    private static string FirstError(IReadOnlyList<string> errors) => errors.Count == 0 ? "" : $" (first: {Short(errors[0])})";

    private static string Short(string error) => error.Length > 60 ? error[..60] : error;

    private static void TryResume(NamespacedProcess process)
    {
        try { process.Resume(); } catch (InvalidOperationException) { }
    }

    private static async Task WaitForAcksAsync(List<IProducerWorkload> producers, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (producers.Any(p => p.Acks.Count < count))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"stall: the workload did not start on the healthy cluster in {timeout.TotalSeconds:0} s: {string.Join(", ", producers.Select(p => $"{p.Name} {p.Acks.Count} acks, fatal {p.Fatal}"))}");
            await Task.Delay(100);
        }
    }

    /// <summary>After healing, every producer must get acknowledgments again (5 s of them); otherwise a stall is reported.</summary>
    private static async Task WaitForFreshAcksAsync(List<IProducerWorkload> producers, ScenarioResult result, TimeSpan timeout)
    {
        var from = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var deadline = DateTime.UtcNow + timeout;
        while (producers.Any(p => !p.Acks.Any(a => a.AtMs > from + 5000)))
        {
            if (DateTime.UtcNow > deadline)
            {
                foreach (var p in producers.Where(p => !p.Acks.Any(a => a.AtMs > from)))
                    result.Anomalies.Add($"stall: {p.Name} got no acknowledgment in the {timeout.TotalSeconds:0} s after healing");
                return;
            }

            await Task.Delay(200);
        }
    }

    private static void WriteEvidence(string runDirectory, List<IProducerWorkload> producers, FinalRead.Result read)
    {
        File.WriteAllLines(Path.Combine(runDirectory, "acks.txt"),
            producers.SelectMany(p => p.Acks).Select(a => $"{a.Client} {a.Value} p{a.Partition}@{a.Offset} {Checker.Time(a.AtMs)}"));
        File.WriteAllLines(Path.Combine(runDirectory, "failures.txt"),
            producers.SelectMany(p => p.Failures).Select(f => $"{f.Client} {f.Value} p{f.Partition} {Checker.Time(f.AtMs)} {f.Error}"));
        File.WriteAllLines(Path.Combine(runDirectory, "read.txt"), read.Records.Select(r => $"p{r.Partition}@{r.Offset} {r.Value}"));
        if (producers.OfType<ConfluentProducer>().FirstOrDefault() is { } confluent)
            File.WriteAllLines(Path.Combine(runDirectory, "librdkafka.log"), confluent.ClientLog);
    }
}
