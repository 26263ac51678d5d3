using System.Diagnostics;
using Broker.IntegrationTests.Cluster;
using Broker.TestKit;

namespace Broker.IntegrationTests.Replication;

/// <summary>
/// One broker's only log dir is a small tmpfs that fills up while an idempotent acks=all producer sends (issue 11,
/// issue 12 item 4). As Kafka (LogDirFailureChannel, then "all log dirs have failed"): the broker closes its ZooKeeper
/// session and exits non-zero at its first ENOSPC, leadership moves at once (not after the session timeout), nothing
/// acknowledged is lost, and after space is freed and the broker restarted it rejoins the ISRs. Needs root (mount).
/// </summary>
[TestFixture]
[Category("Replication")]
public sealed class DiskFullTests : ReplicationTestBase
{
    private const int FullBroker = 3;
    private const int Partitions = 3;
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(40);
    private string? _mount;

    [Test]
    public async Task FullLogDir_BrokerLeavesAtOnce_NothingAcknowledgedIsLost_AndItRejoinsAfterRestart()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root") Assert.Ignore("mounting a tmpfs needs root on Linux");
        ProbeTmpfs();
        await StartClusterAsync();
        var broker = Cluster.Broker(FullBroker);
        MoveLogDirToTmpfs(broker);
        await broker.StartAsync();
        string topic = await CreateReplicatedTopicAsync("disk-full", Partitions);
        await Cluster.WaitForFullIsrAsync(topic, Partitions);
        Note($"topic {topic}: {await Cluster.DescribeAsync(topic, Partitions)}");
        var producer = await StartProducerAsync(topic, Partitions);

        var fault = producer.MarkFault($"broker {FullBroker}'s log dir full");
        Note(fault.What);
        string filler = Path.Combine(_mount!, "filler");
        FillToTheLastByte(filler);
        var sinceFull = Stopwatch.StartNew();

        await Poll.UntilAsync(() => !broker.IsRunning, TimeSpan.FromSeconds(20), $"broker {FullBroker} still running with a full log dir");
        double exitedAfterMs = sinceFull.Elapsed.TotalMilliseconds;
        int exitCode = broker.Stop();
        Note($"broker {FullBroker} exited with {exitCode} {exitedAfterMs:0} ms after the disk filled");
        Assert.That(exitCode, Is.Not.Zero, "halts with a non-zero exit code");
        Assert.That(broker.Output.Count(l => l.Contains("have failed")), Is.EqualTo(1), "one clear line:\n" + broker.OutputTail(40));

        // The session was closed before the exit, so leadership moves within the controller's reaction time, well
        // inside the session timeout that a killed broker would cost.
        var leaderWait = TimeSpan.FromMilliseconds(TestCluster.SessionTimeoutMs / 2);
        Assert.That(await Cluster.IsRegisteredAsync(FullBroker), Is.False, "its registration vanished with the closed session");
        for (int p = 0; p < Partitions; p++) await Cluster.WaitForLeaderAsync(topic, p, l => l != FullBroker, leaderWait);
        Note($"leaders moved {sinceFull.Elapsed.TotalMilliseconds:0} ms after the disk filled");
        TestContext.Out.WriteLine($"disk full → exit {exitedAfterMs:0} ms, → all leaders moved {sinceFull.Elapsed.TotalMilliseconds:0} ms");
        await producer.WaitForAcksAfterLastFaultAsync(50, RecoveryTimeout);

        File.Delete(filler);
        await broker.StartAsync();
        await Cluster.WaitForFullIsrAsync(topic, Partitions, RecoveryTimeout);
        Note($"broker {FullBroker} restarted with space and back in every ISR");
        await producer.WaitForAcksAsync(300, RecoveryTimeout, producer.NowMs);

        var report = await StopAndVerifyAsync($"log dir of broker {FullBroker} full ({Partitions} partitions)", fault);
        AssertNothingLostOrDuplicated(report);
    }

    [TearDown]
    public void UnmountTmpfs()
    {
        if (_mount is null) return;
        // Lazy: the broker may still hold files open until the base teardown kills it.
        Run("umount", "-l", _mount);
        _mount = null;
    }

    /// <summary>Stops the broker and puts its log dir (data kept) on a fresh 16 MiB tmpfs.</summary>
    private void MoveLogDirToTmpfs(Broker.TestKit.Brokers.BrokerProcess broker)
    {
        Assert.That(broker.Stop(), Is.Zero);
        string saved = broker.LogDir + ".saved";
        Directory.Move(broker.LogDir, saved);
        Directory.CreateDirectory(broker.LogDir);
        Run("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", broker.LogDir);
        _mount = broker.LogDir;
        Run("cp", "-a", saved + "/.", broker.LogDir);
    }

    /// <summary>Ignores the test where tmpfs cannot be mounted (a container without CAP_SYS_ADMIN).</summary>
    private static void ProbeTmpfs()
    {
        string probe = Path.Combine(Path.GetTempPath(), "disk-full-probe-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(probe);
        try
        {
            Run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", probe);
            Run("umount", probe);
        }
        catch (InvalidOperationException e)
        {
            Assert.Ignore("cannot mount a tmpfs here: " + e.Message);
        }
        finally
        {
            Directory.Delete(probe);
        }
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
