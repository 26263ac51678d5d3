using System.Collections.Concurrent;
using Broker.IntegrationTests.Wire;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.TestKit;

namespace Broker.IntegrationTests.Replication;

/// <summary>
/// A broker is either ready or not listening: a partition leader killed with kill -9 and restarted at once waits for
/// its old registration to expire (the ZooKeeper session timeout) before it serves clients, and clients that reach it
/// then see the cluster as it is. Kafka opens its client listeners only once the broker is registered and has its
/// metadata; before, librdkafka saw the existing topic vanish, asked to auto-create it and the idempotent producer
/// failed fatally.
/// </summary>
[TestFixture]
[Category("Replication")]
public sealed class RestartReadinessTests : ReplicationTestBase
{
    private const int Partitions = 3;
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(40);

    [Test]
    public async Task KillNineAndImmediateRestartOfTheLeader_ProducerNeverFails_KcatThroughItReadsEverything_NothingServedBeforeReady()
    {
        await StartClusterAsync();
        string topic = await CreateReplicatedTopicAsync("restart-ready", Partitions);
        var producer = await StartProducerAsync(topic, Partitions);
        int leader = await Cluster.LeaderAsync(topic, 0);
        var restarted = Cluster.Broker(leader);

        var fault = producer.MarkFault($"kill -9 of leader {leader}, restarted at once");
        Note(fault.What);
        restarted.Kill();
        var storedBeforeKill = producer.Acks.ToList();

        // While it starts: a probe asks it for the topic's metadata (auto-creation allowed, as librdkafka does) as fast
        // as it can; the moment it first accepts a connection, kcat reads each partition with it as its only bootstrap
        // (kcat gives up at once on a broker that refuses connections, so it is started when this one listens), as
        // far as the last offset acknowledged before the kill (-e would never see the end: the producer keeps going).
        using var stopProbe = new CancellationTokenSource();
        var answers = new ConcurrentQueue<string>();
        var firstAccepted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var probe = Task.Run(() => Probe(restarted.Port, topic, answers, firstAccepted, stopProbe.Token));
        var kcat = firstAccepted.Task.ContinueWith(_ => Task.WhenAll(Enumerable.Range(0, Partitions).Select(p => ExternalProcess.RunAsync("kcat",
        [
            "-b", restarted.BootstrapServers, "-t", topic, "-C", "-p", p.ToString(), "-o", "beginning", "-q",
            "-c", (storedBeforeKill.Where(a => a.Partition == p).Select(a => a.Offset).DefaultIfEmpty(-1).Max() + 1).ToString(),
        ], timeout: TimeSpan.FromSeconds(60))))).Unwrap();
        await restarted.StartAsync();
        Note($"broker {leader} ready again");
        await Poll.UntilAsync(() => firstAccepted.Task.IsCompleted, TimeSpan.FromSeconds(10), "the probe to reach the ready broker");
        await stopProbe.CancelAsync();
        await probe;

        var reads = await kcat;
        foreach (var r in reads) Note($"kcat exit {r.ExitCode}: {r.StandardError.Trim()}");
        var kcatValues = reads.SelectMany(r => r.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)).ToHashSet();
        await Cluster.WaitForFullIsrAsync(topic, Partitions);
        await producer.WaitForAcksAfterLastFaultAsync(50, RecoveryTimeout);
        var report = await StopAndVerifyAsync($"kill -9 and immediate restart of leader {leader} ({Partitions} partitions)", fault);

        var bad = answers.Where(a => !a.StartsWith("ok", StringComparison.Ordinal)).ToList();
        TestContext.Out.WriteLine($"probe: {answers.Count(a => a == "refused")} refused, {answers.Count(a => a.StartsWith("ok", StringComparison.Ordinal))} sane answers, {bad.Count(a => a != "refused")} wrong; " +
                                  $"kcat read {kcatValues.Count} values, {storedBeforeKill.Count} acknowledged before the kill");
        Assert.Multiple(() =>
        {
            Assert.That(bad.Where(a => a != "refused").Distinct(), Is.Empty, "answers of the restarting broker that deny the existing topic");
            Assert.That(reads.Select(r => r.ExitCode), Is.All.Zero, $"kcat: {string.Join(" | ", reads.Select(r => r.StandardError.Trim()))}");
            Assert.That(storedBeforeKill.Count(a => !kcatValues.Contains(a.Value.ToString())), Is.Zero, "values acknowledged before the kill that kcat did not read");
        });
        AssertNothingLostOrDuplicated(report);
    }

    /// <summary>
    /// Until cancelled: connect (completing <paramref name="firstAccepted"/> the first time), ask Metadata for the topic, record "refused", "ok" (the topic with all its
    /// partitions, or the retriable LEADER_NOT_AVAILABLE) or what was wrong.
    /// </summary>
    private static void Probe(int port, string topic, ConcurrentQueue<string> answers, TaskCompletionSource firstAccepted, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                using var c = new RawConnection(port);
                firstAccepted.TrySetResult();
                var meta = c.RoundTrip<MetadataResponse>(new MetadataRequest
                {
                    Topics = [new MetadataRequest.RequestTopic { Name = topic }], AllowAutoTopicCreation = true,
                }, 12);
                var t = meta.Topics.SingleOrDefault(x => x.Name == topic);
                answers.Enqueue(t switch
                {
                    null => "topic missing",
                    { ErrorCode: (short)ErrorCode.LeaderNotAvailable } => "ok (leader not available)",
                    { ErrorCode: 0 } when t.Partitions.Count == Partitions => "ok",
                    { ErrorCode: 0 } => $"{t.Partitions.Count} partitions",
                    _ => ((ErrorCode)t.ErrorCode).ToString(),
                });
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException)
            {
                answers.Enqueue("refused");
            }

            ct.WaitHandle.WaitOne(20); // pacing, not synchronization
        }
    }
}
