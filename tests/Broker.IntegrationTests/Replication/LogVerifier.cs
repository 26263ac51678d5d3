namespace Broker.IntegrationTests.Replication;

/// <summary>Checks the consumed log against the producer's records (see <see cref="HarnessReport"/> for the counts).</summary>
public static class LogVerifier
{
    public static HarnessReport Verify(string scenario, ContinuousProducer producer, long unresolved, IReadOnlyList<ConsumedLog> logs,
        FaultMark? fault)
    {
        var examples = new List<string>();
        void Example(string text)
        {
            if (examples.Count < 10) examples.Add(text);
        }

        var where = new Dictionary<long, List<(int Partition, long Offset)>>();
        int outOfOrder = 0, nonIncreasing = 0;
        foreach (var log in logs)
        {
            long lastOffset = -1, lastValue = -1;
            foreach (var (offset, value) in log.Records)
            {
                if (offset <= lastOffset)
                {
                    nonIncreasing++;
                    Example($"partition {log.Partition}: offset {offset} after {lastOffset}");
                }

                if (value <= lastValue || value % producer.Partitions != log.Partition)
                {
                    outOfOrder++;
                    Example($"partition {log.Partition}: value {value} at offset {offset} after value {lastValue}");
                }

                lastOffset = offset;
                lastValue = Math.Max(lastValue, value);
                if (!where.TryGetValue(value, out var list)) where[value] = list = [];
                list.Add((log.Partition, offset));
            }
        }

        int duplicates = 0;
        foreach (var (value, list) in where)
        {
            if (list.Count <= 1) continue;
            duplicates += list.Count - 1;
            Example($"value {value} appears {list.Count} times: {string.Join(", ", list.Select(l => $"{l.Partition}@{l.Offset}"))}");
        }

        int lost = 0, misplaced = 0;
        foreach (var ack in producer.Acks)
        {
            if (!where.TryGetValue(ack.Value, out var list))
            {
                lost++;
                Example($"acked value {ack.Value} (partition {ack.Partition} offset {ack.Offset}, acked at {ack.AckedMs:0} ms) is missing; " +
                        $"high watermark {logs[ack.Partition].HighWatermark}");
            }
            else if (!list.Contains((ack.Partition, ack.Offset)))
            {
                misplaced++;
                Example($"acked value {ack.Value} at {ack.Partition}@{ack.Offset} is found at {string.Join(", ", list.Select(l => $"{l.Partition}@{l.Offset}"))}");
            }
        }

        return new HarnessReport(scenario, producer.Sent, producer.Acks.Count, producer.Failures.Count, unresolved,
            producer.Failures.GroupBy(f => f.Code).ToDictionary(g => g.Key, g => g.Count()),
            logs.Sum(l => l.Records.Count), lost, duplicates, outOfOrder, misplaced, nonIncreasing,
            fault is null ? null : producer.FailoverMs(fault), producer.FatalError?.ToString(), examples);
    }
}
