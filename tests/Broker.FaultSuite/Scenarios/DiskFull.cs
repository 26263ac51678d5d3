using Broker.FaultSuite.Net;

namespace Broker.FaultSuite.Scenarios;

/// <summary>
/// Broker 1's log directory lives on a 64 MiB tmpfs; during the workload a filler file takes every free byte for
/// 15 s, then is removed (and broker 1 restarted if it stopped).
/// </summary>
public sealed class DiskFull : Scenario
{
    private const int BrokerId = 1;

    public override string Name => "disk-full";

    public override string Promise =>
        "A write that fails with no space left takes the log directory offline (Kafka: the broker stops its replicas " +
        "there, or shuts down when it was its only directory); leadership moves to other ISR members and nothing " +
        "acknowledged is lost. The broker rejoins after the space is freed and it is restarted.";

    private static string Mount(string runDirectory) => Path.Combine(runDirectory, $"broker{BrokerId}", "disk");

    public override string? LogDirOf(int brokerId, string runDirectory)
    {
        if (brokerId != BrokerId) return null;
        string mount = Mount(runDirectory);
        Directory.CreateDirectory(mount);
        Shell.Run("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", mount);
        return Path.Combine(mount, "data");
    }

    public override async Task InjectAsync(ScenarioContext c)
    {
        string filler = Path.Combine(Mount(c.Cluster.RunDirectory), "filler");
        c.Event($"fill broker {BrokerId}'s log directory (tmpfs) to the last byte");
        try
        {
            await using var file = new FileStream(filler, FileMode.Create, FileAccess.Write);
            var block = new byte[1 << 20];
            while (true) await file.WriteAsync(block);
        }
        catch (IOException e)
        {
            c.Event($"tmpfs full: {e.Message}");
        }

        await c.HoldAsync();
        // Kafka takes a failed log directory offline at the first I/O error (with one directory, the broker halts), so
        // after 15 s the full broker must neither lead nor be in an ISR.
        for (int p = 0; p < c.Partitions; p++)
        {
            if (await c.Cluster.PartitionStateAsync(c.Topic, p) is var (leader, epoch, isr) && (leader == BrokerId || isr.Contains(BrokerId)))
                c.Anomaly($"disk full: after {ScenarioContext.FaultDuration.TotalSeconds:0} s broker {BrokerId} still {(leader == BrokerId ? "leads" : "is in the ISR of")} " +
                          $"p{p} (leader {leader} epoch {epoch} isr [{string.Join(",", isr)}]); its appends fail with ENOSPC (see broker{BrokerId}.log)");
        }

        File.Delete(filler);
        c.Event($"space freed; broker {BrokerId} {(c.Cluster.Broker(BrokerId).Process.IsRunning ? "still running" : "had exited: restarting it")}");
        if (!c.Cluster.Broker(BrokerId).Process.IsRunning) await c.Cluster.Broker(BrokerId).StartAsync();
        await c.HoldAsync(TimeSpan.FromSeconds(5));
    }

    public override void CleanUp(string runDirectory)
    {
        try { Shell.Run("umount", "-l", Mount(runDirectory)); } catch (InvalidOperationException) { }
    }
}
