using System.Diagnostics;
using Broker.IntegrationTests.Wire;
using Broker.Protocol.Messages;
using Broker.TestKit;
using Broker.TestKit.Brokers;

namespace Broker.IntegrationTests.Replication;

/// <summary>
/// One broker of three has two log dirs, each a small tmpfs; an idempotent acks=all producer sends while one dir fills
/// up (issues 11 and 12). As Kafka (LogDirFailureChannel, log_dir_event_notification): the broker keeps running and
/// serving the partitions of its healthy dir, the controller hears of the failed dir, elects other leaders from the
/// ISRs for the partitions it led there and removes its replica from their ISRs, and Metadata lists that replica in
/// offline_replicas. When the second dir fails too the broker halts as before. Nothing acknowledged is lost.
/// Needs root (mount).
/// </summary>
[TestFixture]
[Category("Replication")]
public sealed class LogDirFailureTests : ReplicationTestBase
{
    private const int TwoDirBroker = 3;
    private const int Partitions = 6;
    private static readonly TimeSpan MoveTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(40);
    private readonly List<string> _mounts = [];

    [Test]
    public async Task OneFailedDir_OthersKeepServing_LeadersMoveFromTheIsr_AllDirsFailed_Halts()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root") Assert.Ignore("mounting a tmpfs needs root on Linux");
        await StartClusterAsync();
        var broker = Cluster.Broker(TwoDirBroker);
        string[] dirs = MountTwoLogDirs(broker);
        await broker.StartAsync();
        string topic = await CreateReplicatedTopicAsync("log-dirs", Partitions);
        await Cluster.WaitForFullIsrAsync(topic, Partitions);

        // Where broker 3 keeps each partition, and who leads it.
        var dirOf = Enumerable.Range(0, Partitions).ToDictionary(p => p, p => dirs.Single(d => Directory.Exists(Path.Combine(d, $"{topic}-{p}"))));
        var leaders = new Dictionary<int, int>();
        for (int p = 0; p < Partitions; p++) leaders[p] = await Cluster.LeaderAsync(topic, p);
        string failing = dirs.OrderByDescending(d => d == dirs[1]).First(d => dirOf.Any(kv => kv.Value == d && leaders[kv.Key] == TwoDirBroker));
        string healthy = dirs.Single(d => d != failing);
        var failed = dirOf.Where(kv => kv.Value == failing).Select(kv => kv.Key).ToList();
        var kept = dirOf.Where(kv => kv.Value == healthy).Select(kv => kv.Key).ToList();
        Assert.That(kept, Is.Not.Empty, "both dirs hold partitions of the topic");
        Note($"topic {topic}: {await Cluster.DescribeAsync(topic, Partitions)}; broker {TwoDirBroker}: failing dir holds [{string.Join(",", failed)}], healthy dir [{string.Join(",", kept)}]");

        var producer = await StartProducerAsync(topic, Partitions);
        var fault = producer.MarkFault($"broker {TwoDirBroker}'s log dir {failing} full");
        Note(fault.What);
        FillToTheLastByte(Path.Combine(failing, "filler"));
        var sinceFull = Stopwatch.StartNew();

        // The failed dir's partitions move: a new leader from the ISR where broker 3 led, broker 3 out of every ISR.
        foreach (int p in failed)
        {
            await Poll.UntilAsync(async () => await Cluster.PartitionStateAsync(topic, p) is { } s && s.Leader > 0 && s.Leader != TwoDirBroker
                && !s.Isr.Contains(TwoDirBroker), MoveTimeout, $"{topic}-{p} led by another broker with {TwoDirBroker} out of its ISR");
        }

        double movedMs = sinceFull.Elapsed.TotalMilliseconds;
        Note($"failed dir's partitions moved {movedMs:0} ms after the disk filled: {await Cluster.DescribeAsync(topic, Partitions)}");
        TestContext.Out.WriteLine($"one of two dirs full → its partitions moved in {movedMs:0} ms");
        Assert.That(broker.IsRunning, Is.True, "the broker keeps running with one dir left:\n" + broker.OutputTail(40));
        Assert.That(await Cluster.IsRegisteredAsync(TwoDirBroker), Is.True, "and stays registered");
        Assert.That(broker.Output.Count(l => l.Contains("have failed")), Is.Zero, "no 'all log dirs have failed' line");

        // Clients see the replica offline, on every broker (the failed one included).
        foreach (var b in Cluster.RunningBrokers)
            await Poll.UntilAsync(() => Task.FromResult(OfflineReplicasAsExpected(b, topic, failed, kept)), TimeSpan.FromSeconds(10),
                $"Metadata from broker {b.BrokerId}: offline_replicas [{TwoDirBroker}] exactly for partitions {string.Join(",", failed)}");

        // Every partition keeps taking acknowledged writes, those broker 3 serves from its healthy dir included.
        await producer.WaitForAcksAfterLastFaultAsync(50, RecoveryTimeout);
        foreach (int p in kept)
        {
            var state = await Cluster.PartitionStateAsync(topic, p);
            Assert.That(state!.Isr, Does.Contain(TwoDirBroker), $"{topic}-{p} (healthy dir) keeps broker {TwoDirBroker} in its ISR");
            if (leaders[p] == TwoDirBroker) Assert.That(state.Leader, Is.EqualTo(TwoDirBroker), $"{topic}-{p} (healthy dir) is still led by broker {TwoDirBroker}");
        }

        // The last dir fails too: the broker halts as when it had one dir.
        var last = producer.MarkFault($"broker {TwoDirBroker}'s last log dir {healthy} full");
        Note(last.What);
        FillToTheLastByte(Path.Combine(healthy, "filler"));
        await Poll.UntilAsync(() => !broker.IsRunning, TimeSpan.FromSeconds(20), $"broker {TwoDirBroker} still running with both log dirs full");
        int exitCode = broker.Stop();
        Assert.That(exitCode, Is.Not.Zero, "halts with a non-zero exit code");
        Assert.That(broker.Output.Count(l => l.Contains("have failed")), Is.EqualTo(1), "one clear line:\n" + broker.OutputTail(40));
        foreach (int p in kept) await Cluster.WaitForLeaderAsync(topic, p, l => l != TwoDirBroker, MoveTimeout);
        await producer.WaitForAcksAfterLastFaultAsync(50, RecoveryTimeout);

        var report = await StopAndVerifyAsync($"log dirs of broker {TwoDirBroker} full one after the other ({Partitions} partitions)", fault);
        AssertNothingLostOrDuplicated(report);
    }

    [TearDown]
    public void UnmountTmpfs()
    {
        // Lazy: the broker may still hold files open until the base teardown kills it.
        foreach (string mount in _mounts)
        {
            TryRun("umount", "-l", mount);
            try { Directory.Delete(mount); } catch (IOException) { }
        }

        _mounts.Clear();
    }

    /// <summary>
    /// True when <paramref name="broker"/>'s Metadata (v12) lists broker 3 in offline_replicas for every partition of
    /// the failed dir and for none of the healthy one.
    /// </summary>
    private static bool OfflineReplicasAsExpected(BrokerProcess broker, string topic, List<int> failed, List<int> kept)
    {
        using var c = new RawConnection(broker.Port);
        var meta = c.RoundTrip<MetadataResponse>(new MetadataRequest { Topics = [new MetadataRequest.RequestTopic { Name = topic }] }, 12);
        var t = meta.Topics.SingleOrDefault(x => x.Name == topic);
        if (t is null) return false;
        return failed.All(p => t.Partitions.Single(x => x.PartitionIndex == p).OfflineReplicas.SequenceEqual(new[] { TwoDirBroker }))
            && kept.All(p => t.Partitions.Single(x => x.PartitionIndex == p).OfflineReplicas.Count == 0);
    }

    /// <summary>Stops the broker and gives it two fresh log dirs, each its own 32 MiB tmpfs under /tmp/logdir-*.</summary>
    private string[] MountTwoLogDirs(BrokerProcess broker)
    {
        Assert.That(broker.Stop(), Is.Zero);
        string id = Guid.NewGuid().ToString("N")[..8];
        var dirs = new[] { $"/tmp/logdir-{id}-a", $"/tmp/logdir-{id}-b" };
        foreach (string dir in dirs)
        {
            Directory.CreateDirectory(dir);
            try
            {
                Run("mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", dir);
            }
            catch (InvalidOperationException e)
            {
                Directory.Delete(dir);
                Assert.Ignore("cannot mount a tmpfs here: " + e.Message);
            }

            _mounts.Add(dir);
        }

        var lines = File.ReadAllLines(broker.ConfigPath).Where(l => !l.StartsWith("log.dirs=", StringComparison.Ordinal)).ToList();
        lines.Add("log.dirs=" + string.Join(",", dirs));
        File.WriteAllLines(broker.ConfigPath, lines);
        return dirs;
    }

    private static void FillToTheLastByte(string path)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
            var block = new byte[64 * 1024];
            while (true) file.Write(block);
        }
        catch (IOException)
        {
            // ENOSPC: the tmpfs is full.
        }
    }

    private static void TryRun(string file, params string[] args)
    {
        try
        {
            Run(file, args);
        }
        catch (InvalidOperationException e)
        {
            TestContext.Out.WriteLine(e.Message);
        }
    }

    private static void Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true };
        foreach (string a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)}: {stderr}");
    }
}
