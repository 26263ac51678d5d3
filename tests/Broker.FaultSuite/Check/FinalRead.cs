using Confluent.Kafka;

namespace Broker.FaultSuite.Check;

/// <summary>One record of the final read.</summary>
public sealed record StoredRecord(int Partition, long Offset, string Value);

/// <summary>
/// The final full read: every partition assigned from the beginning and read to its high watermark, after waiting
/// (up to 30 s) for the watermark to cover the highest acknowledged offset (a new leader may report an older one
/// briefly). If it never does, what is there is read and the rest counts as lost; <see cref="Result.ShortWatermarks"/>
/// says so.
/// </summary>
public static class FinalRead
{
    public sealed record Result(List<StoredRecord> Records, long[] HighWatermarks, List<string> ShortWatermarks);

    public static Result Read(string bootstrap, string topic, int partitions, IReadOnlyDictionary<int, long> maxAcked)
    {
        using var consumer = new ConsumerBuilder<Ignore, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrap, GroupId = "final-read-" + Guid.NewGuid().ToString("N")[..8], EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest, TopicMetadataRefreshIntervalMs = 2000, ReconnectBackoffMaxMs = 500,
        }).SetLogHandler((_, _) => { }).SetErrorHandler((_, _) => { }).Build();
        var highs = new long[partitions];
        var shortOnes = new List<string>();
        for (int p = 0; p < partitions; p++)
        {
            long need = maxAcked.TryGetValue(p, out long last) ? last + 1 : 0;
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (true)
            {
                try { highs[p] = consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(5)).High.Value; }
                catch (KafkaException) { }
                if (highs[p] >= need || DateTime.UtcNow > until) break;
                Thread.Sleep(200); // polling the watermark with a deadline
            }

            if (highs[p] < need) shortOnes.Add($"p{p}: high watermark {highs[p]} < highest acked offset + 1 = {need}");
        }

        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var records = new List<StoredRecord>();
        var next = new long[partitions];
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (Enumerable.Range(0, partitions).Any(p => next[p] < highs[p]) && DateTime.UtcNow < deadline)
        {
            ConsumeResult<Ignore, string>? r;
            try { r = consumer.Consume(TimeSpan.FromMilliseconds(200)); }
            catch (ConsumeException) { continue; }
            if (r?.Message is null) continue;
            records.Add(new StoredRecord(r.Partition.Value, r.Offset.Value, r.Message.Value));
            next[r.Partition.Value] = r.Offset.Value + 1;
        }

        for (int p = 0; p < partitions; p++)
            if (next[p] < highs[p]) shortOnes.Add($"p{p}: read stopped at {next[p]} below high watermark {highs[p]}");
        consumer.Close();
        return new Result(records, highs, shortOnes);
    }
}
