using Broker.Protocol.Records;
using Broker.Storage.Log;

namespace Broker.Storage.Tests.Log;

public class PartitionLogConcurrencyTests : PartitionLogTestBase
{
    [Test]
    public async Task Read_ConcurrentWithAppends_NeverReturnsPartialBatches()
    {
        PartitionLog log = Open(new LogConfig { SegmentBytes = 64 * 1024, IndexIntervalBytes = 512 });
        const int appends = 2000;
        using var done = new CancellationTokenSource();

        Task writer = Task.Run(() =>
        {
            try
            {
                for (int i = 0; i < appends; i++)
                {
                    LogAppendResult result = log.Append(Batches.Make(1 + (i % 5), valueBytes: 10 + (i % 200)));
                    Assert.That(result.IsSuccess, Is.True);
                }
            }
            finally
            {
                done.Cancel();
            }
        });

        var readers = Enumerable.Range(0, 2).Select(r => Task.Run(() =>
        {
            long reads = 0;
            var random = new Random(r);
            while (!done.IsCancellationRequested || reads == 0)
            {
                long end = log.LogEndOffset;
                long offset = end == 0 ? 0 : random.NextInt64(0, end + 1);
                LogReadResult result = log.Read(offset, random.Next(1, 8192));
                Assert.That(result.OffsetOutOfRange, Is.False);
                ReadOnlySpan<byte> data = result.Records.Span;
                Assert.That(RecordBatchValidator.Validate(data, int.MaxValue, out RecordBatchValidationResult validation) || data.IsEmpty, Is.True,
                    $"read at {offset} returned an invalid batch: {validation.Error}");
                if (!data.IsEmpty)
                {
                    RecordBatchHeader first = RecordBatchHeader.Read(data);
                    Assert.That(first.BaseOffset <= offset && first.LastOffset >= offset, Is.True);
                }

                reads++;
            }

            return reads;
        })).ToArray();

        await writer;
        long[] counts = await Task.WhenAll(readers);

        Assert.That(counts.All(c => c > 0), Is.True);
        Assert.That(log.Segments.Count, Is.GreaterThan(1));
        Assert.That(Batches.Values(log.Read(log.LogEndOffset - 1, 1).Records.Span), Is.Not.Empty);
    }
}
