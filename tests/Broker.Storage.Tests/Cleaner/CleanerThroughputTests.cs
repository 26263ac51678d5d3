using System.Diagnostics;
using Broker.Storage.Cleaner;
using Broker.Storage.Log;

namespace Broker.Storage.Tests.Cleaner;

/// <summary>Throughput figure of one cleaning (explicit: a measurement, not a CI test).</summary>
public sealed class CleanerThroughputTests : CleanerTestBase
{
    [Test]
    [Explicit("measurement")]
    public void Clean_20MB_ReportsMegabytesPerSecond()
    {
        PartitionLog log = Open(Compacted(segmentBytes: 1024 * 1024) with { MaxIndexBytes = 1024 * 1024 });
        string value = new('v', 180);
        for (int b = 0; b < 10_000; b++)
        {
            var records = new (string, string?)[10];
            for (int i = 0; i < 10; i++) records[i] = ($"key-{((b * 10) + i) % 20_000}", value);
            Put(log, NowMs, records);
        }

        log.Roll();
        log.HighWatermark = log.LogEndOffset;
        long size = log.Size;
        var watch = Stopwatch.StartNew();
        CleanResult result = NewCleaner(dedupeBytes: 16 * 1024 * 1024, ioBuffer: 256 * 1024).Clean(log, 0, long.MaxValue);
        watch.Stop();
        TestContext.Out.WriteLine($"log {size / 1e6:F1} MB: read {result.BytesRead / 1e6:F1} MB, wrote {result.BytesWritten / 1e6:F1} MB, " +
            $"{result.RecordsRemoved} of {result.RecordsRead} records removed in {watch.ElapsedMilliseconds} ms = {size / 1e6 / watch.Elapsed.TotalSeconds:F1} MB/s of log cleaned");
        Assert.That(ReadAll(log), Has.Count.EqualTo(20_000));
    }
}
