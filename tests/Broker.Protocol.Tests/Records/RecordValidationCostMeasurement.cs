using System.Diagnostics;
using Broker.Protocol.Records;
using Broker.Protocol.Tests.TestSupport;

namespace Broker.Protocol.Tests.Records;

/// <summary>
/// Not a test: prints the CPU cost of <see cref="RecordBatchValidator.ValidateRecords"/> per record (process CPU time
/// of a single-threaded loop) for P1-like (100 B) and P2-like (1 KiB) records in 64 KiB batches, for
/// docs/performance.md. Run with <c>--filter Name~RecordValidationCost</c>.
/// </summary>
[Explicit("measurement for docs/performance.md")]
public sealed class RecordValidationCostMeasurement
{
    [TestCase(100, CompressionType.None)]
    [TestCase(100, CompressionType.Lz4)]
    [TestCase(100, CompressionType.Zstd)]
    [TestCase(1024, CompressionType.None)]
    [TestCase(1024, CompressionType.Lz4)]
    [TestCase(1024, CompressionType.Zstd)]
    public void NanosecondsPerRecord(int recordBytes, CompressionType codec)
    {
        int count = 64 * 1024 / recordBytes;
        byte[] batch = HostileBatches.Batch(HostileBatches.Compress(codec, HostileBatches.Records(count, recordBytes)), count, (int)codec);
        var options = RecordValidationOptions.ForTopic(1 << 20, TimestampType.CreateTime, HostileBatches.Timestamp);
        for (int i = 0; i < 200; i++) RecordBatchValidator.ValidateRecords(batch, options, out _, out _);

        int iterations = 40_000_000 / (count * (codec == CompressionType.None ? 1 : 10));
        TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
        for (int i = 0; i < iterations; i++)
        {
            Assert.That(RecordBatchValidator.ValidateRecords(batch, options, out _, out _), Is.EqualTo(RecordBatchError.None));
        }

        double ns = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalNanoseconds / ((double)iterations * count);
        TestContext.Out.WriteLine($"{recordBytes} B {codec}: {ns:F0} ns/record ({batch.Length} B batch of {count} records)");
    }
}
