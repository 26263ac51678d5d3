using Broker.Protocol.Records;
using Broker.Storage.Cleaner;
using Broker.Storage.Log;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Storage.Tests.Cleaner;

/// <summary>A log whose cleaning throws is marked uncleanable (Kafka's LogCleaningException handling) and skipped;
/// other logs go on being cleaned.</summary>
public sealed class UncleanableLogTests : CleanerTestBase
{
    [Test]
    public void CleaningThrows_PartitionMarkedUncleanableAndLogged_OtherLogsStillCleaned()
    {
        PartitionLog broken = Open(Compacted());
        using PartitionLog healthy = PartitionLog.Open(Path.Combine(Path.GetDirectoryName(PartitionDir)!, "other-0"), Compacted(), Time, NullLogger.Instance);
        foreach (PartitionLog log in new[] { broken, healthy })
        {
            for (int i = 0; i < 20; i++)
            {
                Put(log, NowMs, ($"k{i % 3}", $"v{i}"));
            }
        }

        // A zstd batch whose payload is not zstd (valid CRC: the produce path's deep validation would refuse it, the
        // log's shallow check does not): decompressing it for the offset map throws.
        byte[] garbage = Compress(new RecordBatchBuilder(NowMs).Add("k0", "x").Build(), CompressionType.Zstd);
        garbage.AsSpan(RecordBatchHeader.Size).Fill(0x5A);
        RecordBatch.WriteCrc(garbage);
        Assert.That(broken.Append(garbage).IsSuccess, Is.True);
        foreach (PartitionLog log in new[] { broken, healthy })
        {
            log.Roll();
            log.HighWatermark = log.LogEndOffset;
        }

        var logger = new ListLogger();
        using var logCleaner = new LogCleaner(new CleanerOptions { DedupeBufferSize = 1 << 20, IoBufferSize = 1 << 15 },
            () => [broken, healthy], [Path.GetDirectoryName(PartitionDir)!], Time, logger);
        Broker.Storage.Cleaner.Cleaner cleaner = logCleaner.CreateCleaner();
        var results = new List<CleanResult?>();
        var failures = new List<Exception>();
        for (int i = 0; i < 3; i++)
        {
            try
            {
                results.Add(logCleaner.CleanFilthiestLog(cleaner));
            }
            catch (InvalidDataException e)
            {
                failures.Add(e);
            }
        }

        Assert.That(failures, Has.Count.EqualTo(1), "the broken log is tried once, then skipped");
        Assert.That(logCleaner.Manager.IsUncleanable(broken.TopicPartition), Is.True);
        Assert.That(logCleaner.Manager.IsUncleanable(healthy.TopicPartition), Is.False);
        Assert.That(logCleaner.Manager.UncleanablePartitionsCount, Is.EqualTo(1));
        Assert.That(results.Count(r => r is not null), Is.EqualTo(1), "the healthy log is cleaned once, then nothing is left to do");
        Assert.That(results.Last(), Is.Null, "the broken log, still dirty, is not chosen again");
        Assert.That(ReadAll(healthy).Select(r => r.Key), Is.Unique);
        Assert.That(logger.Lines.Count(l => l.Contains("Marking its partition (my-topic-0) as uncleanable", StringComparison.Ordinal)), Is.EqualTo(1), string.Join("\n", logger.Lines));
    }

    private sealed class ListLogger : ILogger
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Lines)
            {
                Lines.Add(formatter(state, exception));
            }
        }
    }
}
