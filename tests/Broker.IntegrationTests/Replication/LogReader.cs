using Confluent.Kafka;
using Broker.TestKit;

namespace Broker.IntegrationTests.Replication;

/// <summary>
/// Reads a topic written by <see cref="ContinuousProducer"/> completely: every partition assigned from the beginning
/// and read up to its high watermark. The watermark is first awaited to cover <paramref name="mustCover"/>
/// (the offsets that were acknowledged), because a new leader may briefly report an older one; if it never does,
/// the reader reads what is there and the missing values count as lost.
/// </summary>
public static class LogReader
{
    public static async Task<IReadOnlyList<ConsumedLog>> ReadAllAsync(string bootstrap, string topic, int partitions,
        IReadOnlyDictionary<int, long>? mustCover = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(40));
        using var consumer = new ConsumerBuilder<Ignore, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrap, GroupId = "verifier-" + Guid.NewGuid().ToString("N")[..8], EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest, IsolationLevel = IsolationLevel.ReadUncommitted,
            TopicMetadataRefreshIntervalMs = 2000, ReconnectBackoffMaxMs = 500,
        }).SetLogHandler((_, _) => { }).SetErrorHandler((_, _) => { }).Build();

        var highs = new long[partitions];
        for (int p = 0; p < partitions; p++)
        {
            var tp = new TopicPartition(topic, p);
            long need = mustCover is not null && mustCover.TryGetValue(p, out long last) ? last + 1 : 0;
            var waitUntil = DateTime.UtcNow + TimeSpan.FromSeconds(15) < deadline ? DateTime.UtcNow + TimeSpan.FromSeconds(15) : deadline;
            await Poll.UntilAsync(() =>
            {
                try
                {
                    highs[p] = consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(5)).High.Value;
                }
                catch (KafkaException)
                {
                    return DateTime.UtcNow > waitUntil && highs[p] > 0;
                }

                return highs[p] >= need || DateTime.UtcNow > waitUntil;
            }, TimeSpan.FromSeconds(30), $"the high watermark of {topic}-{p}");
        }

        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var records = Enumerable.Range(0, partitions).Select(_ => new List<(long, long)>()).ToArray();
        var next = new long[partitions];
        while (Enumerable.Range(0, partitions).Any(p => next[p] < highs[p]))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"reading {topic} to its high watermarks [{string.Join(",", highs)}] stopped at [{string.Join(",", next)}]");
            ConsumeResult<Ignore, string>? result;
            try
            {
                result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            }
            catch (ConsumeException)
            {
                continue; // leadership still settling; the next poll retries
            }

            if (result?.Message is null) continue;
            int partition = result.Partition.Value;
            records[partition].Add((result.Offset.Value, long.Parse(result.Message.Value)));
            next[partition] = result.Offset.Value + 1;
        }

        consumer.Close();
        return Enumerable.Range(0, partitions).Select(p => new ConsumedLog(p, highs[p], records[p])).ToList();
    }
}
