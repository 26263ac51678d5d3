using System.Diagnostics;
using Broker.Protocol.Records;
using Broker.Storage.Log;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Broker.Storage.Tests.Log;

/// <summary>
/// A log dir on a real, tiny tmpfs that fills up (ENOSPC): the dir goes offline once, the log keeps only whole
/// batches, and a restart with free space recovers. Needs root for mount; skipped otherwise.
/// </summary>
[NonParallelizable]
public class LogDirFailureTests
{
    private const long ProducerId = 42;
    private TempDirectory _root = null!;
    private string _mount = null!;
    private readonly List<LogManager> _managers = [];

    [SetUp]
    public void SetUp()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            Assert.Ignore("mounting a tmpfs needs root on Linux");
        }

        _root = new TempDirectory();
        _mount = Path.Combine(_root.Path, "full");
        Directory.CreateDirectory(_mount);
        string? error = Mount($"-t tmpfs -o size=1m tmpfs {_mount}");
        if (error is not null)
        {
            _mount = null!;
            _root.Dispose();
            Assert.Ignore("cannot mount a tmpfs here (container without CAP_SYS_ADMIN?): " + error);
        }
    }

    [TearDown]
    public void TearDown()
    {
        _managers.ForEach(m => m.Dispose());
        _managers.Clear();
        if (_mount is not null)
        {
            Run("umount", _mount);
        }

        _root?.Dispose();
    }

    [Test]
    public void DiskFull_TakesDirOfflineOnce_KeepsOnlyWholeBatches_AndRecoversAfterRestart()
    {
        string filler = Path.Combine(_mount, "filler");
        File.WriteAllBytes(filler, new byte[256 * 1024]);
        LogManager manager = Create();
        var failed = new List<string>();
        manager.Failures.LogDirFailed += failed.Add;
        PartitionLog log = manager.GetOrCreate("t", 0);

        int acked = 0;
        KafkaStorageException? error = null;
        for (int i = 0; i < 100 && error is null; i++)
        {
            try
            {
                log.Append(Batch(acked * 10));
                acked++;
            }
            catch (KafkaStorageException e)
            {
                error = e;
            }
        }

        Assert.That(error, Is.Not.Null, "the tmpfs never filled up");
        Assert.That(acked, Is.GreaterThan(0));
        Assert.That(failed, Is.EqualTo(new[] { Path.GetFullPath(_mount) }), "offline once, for the full dir");
        Assert.That(manager.Failures.IsOffline(Path.GetFullPath(_mount)), Is.True);
        Assert.That(log.LogEndOffset, Is.EqualTo(acked * 10L), "the failed batch is not part of the log");
        AssertWholeBatches(log, acked);

        // Offline is sticky: even with space back, nothing more is written until a restart; nothing is raised again.
        File.Delete(filler);
        Assert.That(() => log.Append(Batch(acked * 10)), Throws.TypeOf<KafkaStorageException>());
        Assert.That(() => log.Roll(), Throws.TypeOf<KafkaStorageException>());
        Assert.That(failed, Has.Count.EqualTo(1));

        manager.Dispose();
        LogManager restarted = Create();
        PartitionLog reloaded = restarted.Get("t", 0)!;
        Assert.That(reloaded.LogEndOffset, Is.EqualTo(acked * 10L), "recovery cut the torn tail");
        AssertWholeBatches(reloaded, acked);

        // The producer state matches the log: the batch that failed is new (not a duplicate, not a gap).
        LogAppendResult retried = reloaded.Append(Batch(acked * 10));
        Assert.That(retried.Error, Is.EqualTo(RecordBatchError.None));
        Assert.That(retried.BaseOffset, Is.EqualTo(acked * 10L));
    }

    private static void AssertWholeBatches(PartitionLog log, int batches)
    {
        var headers = new List<RecordBatchHeader>();
        long offset = 0;
        while (offset < log.LogEndOffset)
        {
            LogReadResult read = log.Read(offset, 1024 * 1024);
            List<RecordBatchHeader> chunk = Batches.Headers(read.Records.Span);
            Assert.That(chunk, Is.Not.Empty);
            headers.AddRange(chunk);
            offset = chunk[^1].NextOffset;
        }

        Assert.That(headers, Has.Count.EqualTo(batches));
        for (int i = 0; i < headers.Count; i++)
        {
            Assert.That(headers[i].BaseOffset, Is.EqualTo(i * 10L));
            Assert.That(headers[i].BaseSequence, Is.EqualTo(i * 10));
        }
    }

    /// <summary>An idempotent batch of 10 records of 4 KB (incompressible enough that tmpfs fills in ~25 batches).</summary>
    private static byte[] Batch(int baseSequence)
    {
        var builder = new RecordBatchBuilder(1_700_000_000_000) { ProducerId = ProducerId, ProducerEpoch = 0, BaseSequence = baseSequence };
        for (int i = 0; i < 10; i++)
        {
            builder.Add(null, new byte[4000]);
        }

        return builder.Build();
    }

    private LogManager Create()
    {
        var manager = new LogManager(new LogManagerOptions { LogDirs = [_mount], BrokerId = 1 }, new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000)), NullLoggerFactory.Instance);
        _managers.Add(manager);
        return manager;
    }

    /// <summary>Runs mount; returns null on success, else its error output.</summary>
    private static string? Mount(string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo("mount", arguments) { RedirectStandardError = true })!;
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? null : stderr;
    }

    private static void Run(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardError = true })!;
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.EqualTo(0), $"{file} {arguments}: {stderr}");
    }
}
