using System.Diagnostics;
using Broker.Fuzz.Minimize;
using Broker.Fuzz.Probe;
using Broker.Fuzz.Seeds;
using Broker.Fuzz.Wire;
using Broker.Protocol.Messages;
using Broker.TestKit;
using Broker.TestKit.Brokers;
using Broker.TestKit.ZooKeeper;

namespace Broker.Fuzz;

/// <summary>The outcome of a run; <see cref="Passed"/> decides the exit code.</summary>
public sealed record FuzzResult(bool Passed, long FramesSent, int Crashes, ProcessSnapshot? Before, ProcessSnapshot? After, string? Failure);

/// <summary>
/// One fuzzing run: ZooKeeper and one broker (ZooKeeper mode, the real process), the control, target and poll topics,
/// a warm-up batch, the baseline, then batches of mutated frames each followed by a <see cref="HealthCheck"/>, then the
/// abandoned long polls (a health check every 1,000), then the wait for RSS and handles to come back. A failed health
/// check or an exited broker counts as a crash and ends the run; the frames of that batch are saved under
/// .build/fuzz-failures/ and minimized (<see cref="FrameMinimizer"/>) into a replay file.
/// </summary>
public static class FuzzRunner
{
    private const int WarmupFrames = 5_000;

    /// <summary>The topic the valid Produce and Fetch seeds name.</summary>
    public const string TargetTopic = "fuzz-target";

    /// <summary>The empty topic of the abandoned long polls.</summary>
    public const string PollTopic = "fuzz-polls";

    /// <summary>The broker settings of a fuzzing run (and of a replay).</summary>
    public static Dictionary<string, string> BrokerSettings(string zookeeperConnect) => new()
    {
        ["zookeeper.connect"] = zookeeperConnect,
        ["zookeeper.session.timeout.ms"] = "6000",
        ["offsets.topic.replication.factor"] = "1",
        ["socket.request.receive.timeout.ms"] = "5000",
    };

    public static async Task<FuzzResult> RunAsync(FuzzOptions options, TextWriter log)
    {
        log.WriteLine($"fuzz: seed {options.Seed}, frames {options.Frames}, duration {options.Duration?.ToString() ?? "-"}, abandoned polls {options.AbandonedPolls}, connections {options.Connections}");
        await using var zk = await ZooKeeperServer.LaunchAsync();
        using var broker = new BrokerProcess(1, BrokerSettings(zk.ConnectString));
        await broker.StartAsync();
        int pid = broker.Pid!.Value;
        string control = "fuzz-control-" + options.Seed, target = TargetTopic, polls = PollTopic;
        foreach (var t in new[] { control, target, polls }) await CreateTopicAsync(broker.Port, t);

        var corpus = SeedCorpus.Build(target);
        var blaster = new FrameBlaster(broker.Port, corpus, options.Seed, options.Connections);
        var health = new HealthCheck(broker.Port, control);
        log.WriteLine($"fuzz: {corpus.Frames.Count} seed frames; broker pid {pid} on port {broker.Port}");

        // Warm-up: JIT, pools and the GC heap reach their working size before the baseline is taken.
        await blaster.SendBatchAsync(WarmupFrames);
        if (health.Run() is { } warm) return Fail(0, null, null, $"broker unhealthy after the warm-up: {warm}", broker, log);
        var before = await SettledAsync(pid, broker.LogDir);
        log.WriteLine($"fuzz: baseline {before}");

        var watch = Stopwatch.StartNew();
        FrameSequence? lastBatch = null;
        long sent = 0;
        int batchNo = 0;
        var nextReport = TimeSpan.FromSeconds(10);
        while (sent < options.Frames && (options.Duration is not { } d || watch.Elapsed < d))
        {
            int n = (int)Math.Min(options.BatchFrames, options.Frames - sent);
            var frames = lastBatch = await blaster.SendBatchAsync(n);
            sent += n;
            batchNo++;
            string? problem = !broker.IsRunning ? "the broker exited" : health.Run();
            if (problem is not null)
            {
                string file = SaveFailure(options.Seed, $"batch{batchNo}", frames);
                var failed = Fail(sent, before, null, $"after batch {batchNo} ({sent} frames): {problem}; the batch's frames are in {file}", broker, log);
                broker.Dispose();
                await MinimizeAndReportAsync(file, FailureKind.Crash, options, log);
                return failed;
            }

            if (watch.Elapsed >= nextReport)
            {
                nextReport = watch.Elapsed + TimeSpan.FromSeconds(10);
                log.WriteLine($"fuzz: {sent} frames, {blaster.Connections} connections, {blaster.Stalled} stalled, {sent / watch.Elapsed.TotalSeconds:F0} frames/s, {ProcessSnapshot.Take(pid, broker.LogDir)}");
            }
        }

        log.WriteLine($"fuzz: {sent} mutated frames over {blaster.Connections} connections in {watch.Elapsed.TotalSeconds:F1} s " +
                      $"({blaster.Stalled} stalled, {blaster.ConnectFailures} connect failures)");

        if (blaster.Stalled > 0)
        {
            log.WriteLine("fuzz: stalled connections' frames (api key v version): " +
                          string.Join("; ", blaster.StalledApis.OrderByDescending(kv => kv.Value).Take(15).Select(kv => $"[{kv.Key}] x{kv.Value}")));
            string file = SaveFailure(options.Seed, "stalled", new FrameSequence([.. blaster.StalledConnections]));
            log.WriteLine($"fuzz: the first stalled connections' frames are in {file}");
            if (options.MinimizeStalls) await MinimizeAndReportAsync(file, FailureKind.Stall, options, log);
        }

        if (options.AbandonedPolls > 0)
        {
            var pollWatch = Stopwatch.StartNew();
            for (int done = 0; done < options.AbandonedPolls;)
            {
                int n = Math.Min(1_000, options.AbandonedPolls - done);
                long failures = await AbandonedPolls.RunAsync(broker.Port, polls, n, Math.Min(options.Connections * 4, 200));
                done += n;
                string? problem = !broker.IsRunning ? "the broker exited" : health.Run();
                if (problem is not null) return Fail(sent, before, null, $"after {done} abandoned polls: {problem}", broker, log);
                if (failures > 0) log.WriteLine($"fuzz: {failures} abandoned polls could not connect");
            }

            log.WriteLine($"fuzz: {options.AbandonedPolls} abandoned long polls in {pollWatch.Elapsed.TotalSeconds:F1} s");
        }

        var after = await SettledAsync(pid, broker.LogDir, before, options);
        long rssGrowthMiB = (after.RssKiB - before.RssKiB) / 1024;
        log.WriteLine($"fuzz: frames sent {sent}, abandoned polls {options.AbandonedPolls}, crashes 0, health checks {health.Appended}");
        log.WriteLine($"fuzz: before {before}");
        log.WriteLine($"fuzz: after  {after}");
        log.WriteLine($"fuzz: handle kinds that changed: {after.KindsChangedFrom(before)}");
        if (after.Handles > before.Handles + options.HandleTolerance)
        {
            var failed = Fail(sent, before, after, $"handles did not return to the baseline: {before.Handles} -> {after.Handles} (tolerance {options.HandleTolerance}; {after.KindsChangedFrom(before)})", broker, log, crashed: false);
            if (lastBatch is not null)
            {
                // The last batch is a guess at the culprit (earlier batches are not kept): the replay tells.
                string file = SaveFailure(options.Seed, "leak-lastbatch", lastBatch);
                broker.Dispose();
                await MinimizeAndReportAsync(file, FailureKind.Leak, options, log);
            }

            return failed;
        }

        if (rssGrowthMiB > options.RssToleranceMiB)
            return Fail(sent, before, after, $"RSS did not return to the baseline: +{rssGrowthMiB} MiB (tolerance {options.RssToleranceMiB} MiB)", broker, log, crashed: false);
        log.WriteLine("fuzz: PASS");
        return new FuzzResult(true, sent, 0, before, after, null);
    }

    /// <summary>
    /// A snapshot once the broker has let go of the closed connections: polls (up to 60 s) until the handles are within
    /// the tolerance of <paramref name="baseline"/> (or, without one, until two snapshots 1 s apart agree).
    /// </summary>
    private static async Task<ProcessSnapshot> SettledAsync(int pid, string logDir, ProcessSnapshot? baseline = null, FuzzOptions? options = null)
    {
        var last = ProcessSnapshot.Take(pid, logDir);
        var until = Stopwatch.StartNew();
        while (until.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(1000);
            var now = ProcessSnapshot.Take(pid, logDir);
            if (baseline is null ? now.Handles == last.Handles : now.Handles <= baseline.Handles + options!.HandleTolerance) return now;
            last = now;
        }

        return last;
    }

    /// <summary>
    /// Replays <paramref name="file"/> on a fresh broker; when it shows <paramref name="kind"/>, minimizes it, writes
    /// the reproducer next to it (<c>*.min.frames</c>) and prints the replay command. Returns the reproducer's path, or
    /// null when the failure did not reproduce alone (or <see cref="FuzzOptions.MinimizeBudget"/> is 0).
    /// </summary>
    public static async Task<string?> MinimizeAndReportAsync(string file, FailureKind kind, FuzzOptions options, TextWriter log)
    {
        if (options.MinimizeBudget <= 0) return null;
        var failing = FrameSequence.Read(file);
        log.WriteLine($"minimize: {kind} from {file}: {failing}");
        await using var target = await ReplayTarget.StartAsync(log);
        bool leak = kind == FailureKind.Leak;
        if (!(await target.ReplayAsync(failing, leak)).Contains(kind))
        {
            log.WriteLine($"minimize: the {kind} does not reproduce by replaying the frames alone, one connection at a time; not minimized");
            return null;
        }

        var minimal = await FrameMinimizer.MinimizeAsync(failing, async s => (await target.ReplayAsync(s, leak)).Contains(kind), new TrialBudget(options.MinimizeBudget), log);
        string output = Path.ChangeExtension(file, null) + ".min.frames";
        minimal.Write(output);
        log.WriteLine($"minimize: {kind} reproducer: {minimal}, in {output}");
        log.WriteLine($"minimize: replay with: bin/fuzz.sh --replay {output} --kind {kind.ToString().ToLowerInvariant()}");
        return output;
    }

    public static async Task CreateTopicAsync(int port, string topic)
    {
        await Poll.UntilAsync(() =>
        {
            using var c = new RawClient(port);
            var created = c.RoundTrip<CreateTopicsResponse>(new CreateTopicsRequest
            {
                Topics = [new CreateTopicsRequest.CreatableTopic { Name = topic, NumPartitions = 1, ReplicationFactor = 1 }],
                TimeoutMs = 10_000,
            }, 7).Topics.Single();
            if (created.ErrorCode is not (0 or 36)) return false; // 36: TOPIC_ALREADY_EXISTS (a retry)
            var metadata = c.RoundTrip<MetadataResponse>(new MetadataRequest { Topics = [new MetadataRequest.RequestTopic { Name = topic }] }, 12);
            return metadata.Topics.Single().Partitions.SingleOrDefault()?.LeaderId >= 0;
        }, TimeSpan.FromSeconds(60), $"topic {topic} to have a leader");
    }

    private static string SaveFailure(int seed, string what, FrameSequence frames)
    {
        string file = Path.Combine(RepoPaths.Root, ".build", "fuzz-failures", $"seed{seed}-{what}.frames");
        frames.Write(file);
        return file;
    }

    private static FuzzResult Fail(long sent, ProcessSnapshot? before, ProcessSnapshot? after, string why, BrokerProcess broker, TextWriter log, bool crashed = true)
    {
        log.WriteLine($"fuzz: FAIL: {why}");
        log.WriteLine("fuzz: broker output (tail):");
        log.WriteLine(broker.OutputTail(60));
        return new FuzzResult(false, sent, crashed ? 1 : 0, before, after, why);
    }
}
