using Broker.Storage.Log;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Broker.Storage.Tests.Log;

public class LogManagerTests
{
    private TempDirectory _root = null!;
    private FakeTimeProvider _time = null!;
    private readonly List<LogManager> _managers = [];

    [SetUp]
    public void SetUp()
    {
        _root = new TempDirectory();
        _time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
    }

    [TearDown]
    public void TearDown()
    {
        _managers.ForEach(m => m.Dispose());
        _managers.Clear();
        _root.Dispose();
    }

    private string Dir(string name) => Path.Combine(_root.Path, name);

    private LogManager Create(LogManagerOptions? options = null)
    {
        var manager = new LogManager(options ?? new LogManagerOptions { LogDirs = [Dir("a")], BrokerId = 1 }, _time, NullLoggerFactory.Instance);
        _managers.Add(manager);
        return manager;
    }

    [Test]
    public void Constructor_WritesMetaProperties()
    {
        Create(new LogManagerOptions { LogDirs = [Dir("a"), Dir("b")], BrokerId = 7 });

        foreach (string dir in new[] { Dir("a"), Dir("b") })
        {
            string[] lines = File.ReadAllLines(Path.Combine(dir, "meta.properties"));
            Assert.That(lines, Does.Contain("version=0").And.Contain("broker.id=7"));
        }
    }

    [Test]
    public void Constructor_OtherBrokersDir_Throws()
    {
        Create().Dispose();

        Assert.That(() => Create(new LogManagerOptions { LogDirs = [Dir("a")], BrokerId = 2 }), Throws.InvalidOperationException);
    }

    [Test]
    public void GetOrCreate_SpreadsPartitionsOverDirs()
    {
        LogManager manager = Create(new LogManagerOptions { LogDirs = LogManagerOptions.ParseLogDirs($"{Dir("a")}, {Dir("b")}"), BrokerId = 1 });

        for (int p = 0; p < 4; p++)
        {
            manager.GetOrCreate("t", p);
        }

        Assert.That(Directory.GetDirectories(Dir("a")), Has.Length.EqualTo(2));
        Assert.That(Directory.GetDirectories(Dir("b")), Has.Length.EqualTo(2));
        Assert.That(manager.GetOrCreate("t", 0), Is.SameAs(manager.Get("t", 0)));
        Assert.That(manager.Get("t", 9), Is.Null);
    }

    [Test]
    public void Restart_DiscoversPartitionsWithDashesAndKeepsData()
    {
        LogManager manager = Create();
        manager.GetOrCreate("my-dashed-topic", 3).Append(Batches.Make(4));
        manager.GetOrCreate("plain", 0).Append(Batches.Make(1));
        manager.Dispose();

        string checkpoint = File.ReadAllText(Path.Combine(Dir("a"), "recovery-point-offset-checkpoint"));
        Assert.That(checkpoint, Does.StartWith("0\n2\n").And.Contain("my-dashed-topic 3 4\n"));

        LogManager restarted = Create();

        PartitionLog? log = restarted.Get("my-dashed-topic", 3);
        Assert.That(log, Is.Not.Null);
        Assert.That(log!.LogEndOffset, Is.EqualTo(4));
        Assert.That(log.RecoveryPoint, Is.EqualTo(4));
        Assert.That(restarted.Get("plain", 0)!.LogEndOffset, Is.EqualTo(1));
        Assert.That(restarted.All, Has.Count.EqualTo(2));
    }

    [Test]
    public void Restart_KeepsALogStartRaisedInsideTheFirstSegment()
    {
        LogManager manager = Create();
        PartitionLog log = manager.GetOrCreate("t", 0);
        log.Append(Batches.Make(10));
        manager.GetOrCreate("untouched", 0).Append(Batches.Make(3));
        log.MaybeIncrementLogStartOffset(6);
        manager.Dispose();

        string checkpoint = File.ReadAllText(Path.Combine(Dir("a"), LogManager.LogStartOffsetFileName));
        Assert.That(checkpoint, Is.EqualTo("0\n1\nt 0 6\n"), "Kafka lists only logs whose start is above their first segment's base");

        LogManager restarted = Create();
        Assert.That(restarted.Get("t", 0)!.LogStartOffset, Is.EqualTo(6));
        Assert.That(restarted.Get("t", 0)!.Read(5, 1 << 20).OffsetOutOfRange, Is.True);
        Assert.That(restarted.Get("untouched", 0)!.LogStartOffset, Is.EqualTo(0));
    }

    [Test]
    public async Task Start_CheckpointsLogStartOffsetsOnTheInjectedClock()
    {
        LogManager manager = Create(new LogManagerOptions { LogDirs = [Dir("a")], BrokerId = 1, LogStartOffsetCheckpointIntervalMs = 1000 });
        PartitionLog log = manager.GetOrCreate("t", 0);
        log.Append(Batches.Make(10));
        log.MaybeIncrementLogStartOffset(4);
        manager.Start();

        string path = Path.Combine(Dir("a"), LogManager.LogStartOffsetFileName);
        DateTime deadline = DateTime.UtcNow.AddSeconds(10);
        while (!(File.Exists(path) && File.ReadAllText(path).Contains("t 0 4\n", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(20);
        }

        Assert.That(File.ReadAllText(path), Does.Contain("t 0 4\n"), "written by the background loop, before any shutdown");
    }

    [Test]
    public void DeleteTopic_RemovesFoldersOfAllPartitions()
    {
        LogManager manager = Create();
        manager.GetOrCreate("doomed", 0).Append(Batches.Make());
        manager.GetOrCreate("doomed", 1);
        manager.GetOrCreate("kept", 0);

        Assert.That(manager.DeleteTopic("doomed"), Is.EqualTo(2));

        Assert.That(manager.Get("doomed", 0), Is.Null);
        manager.Dispose();
        Assert.That(Directory.GetDirectories(Dir("a")).Select(Path.GetFileName), Is.EqualTo(new[] { "kept-0" }));
    }

    [Test]
    public void Restart_LeftoverDeleteFolder_IsRemoved()
    {
        Directory.CreateDirectory(Path.Combine(Dir("a"), "gone-0.0123456789abcdef0123456789abcdef-delete"));

        Create();

        Assert.That(Directory.GetDirectories(Dir("a")), Is.Empty);
    }

    [Test]
    public async Task Start_RunsRetentionOnTheInjectedClock()
    {
        var options = new LogManagerOptions
        {
            LogDirs = [Dir("a")],
            BrokerId = 1,
            RetentionCheckIntervalMs = 1000,
            DefaultConfig = new LogConfig { RetentionMs = 5000, FileDeleteDelayMs = 0 },
        };
        LogManager manager = Create(options);
        PartitionLog log = manager.GetOrCreate("t", 0);
        log.Append(Batches.Make(timestamp: _time.GetUtcNow().ToUnixTimeMilliseconds()));
        log.Roll();
        log.Append(Batches.Make(timestamp: _time.GetUtcNow().ToUnixTimeMilliseconds()));
        log.HighWatermark = log.LogEndOffset; // everything replicated
        manager.Start();

        DateTime deadline = DateTime.UtcNow.AddSeconds(10);
        while (log.LogStartOffset == 0 && DateTime.UtcNow < deadline)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10);
        }

        Assert.That(log.LogStartOffset, Is.EqualTo(1));
    }
}
