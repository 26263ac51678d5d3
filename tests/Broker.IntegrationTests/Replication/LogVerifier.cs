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

        // Checks that hold even when the client re-sent values it was unsure about (after message timeouts librdkafka
        // bumps the producer epoch and re-sends possibly-written records, so an acked value may have earlier copies):
        // no copy of an acked value after its acknowledged offset, and acked values in send order by acked offset.
        int copiesAfterAck = 0, ackedOutOfOrder = 0;
        foreach (var ack in producer.Acks)
        {
            if (where.TryGetValue(ack.Value, out var copies))
                copiesAfterAck += copies.Count(c => c.Partition == ack.Partition && c.Offset > ack.Offset);
        }

        foreach (var partition in producer.Acks.GroupBy(a => a.Partition))
        {
            long last = -1;
            foreach (var ack in partition.OrderBy(a => a.Offset))
            {
                if (ack.Value < last) ackedOutOfOrder++;
                last = Math.Max(last, ack.Value);
            }
        }

        int misplaced = 0;
        var lost = new List<AckedSend>();
        foreach (var ack in producer.Acks)
        {
            if (!where.TryGetValue(ack.Value, out var list))
            {
                lost.Add(ack);
            }
            else if (!list.Contains((ack.Partition, ack.Offset)))
            {
                misplaced++;
                Example($"acked value {ack.Value} at {ack.Partition}@{ack.Offset} is found at {string.Join(", ", list.Select(l => $"{l.Partition}@{l.Offset}"))}");
            }
        }

        foreach (var group in lost.GroupBy(a => a.Partition))
        {
            var first = group.MinBy(a => a.Value)!;
            Example($"partition {group.Key}: {group.Count()} acked values missing, values {Ranges(group.Select(a => a.Value), producer.Partitions)}; " +
                    $"first: value {first.Value} acked at offset {first.Offset} at {first.AckedMs:0} ms; high watermark {logs[group.Key].HighWatermark}");
        }

        return new HarnessReport(scenario, producer.Sent, producer.Acks.Count, producer.Failures.Count, unresolved,
            producer.Failures.GroupBy(f => f.Code).ToDictionary(g => g.Key, g => g.Count()),
            logs.Sum(l => l.Records.Count), lost.Count, duplicates, outOfOrder, copiesAfterAck, ackedOutOfOrder, misplaced, nonIncreasing,
            fault is null ? null : producer.FailoverMs(fault), producer.FatalError?.ToString(), examples);
    }

    /// <summary>"3..7, 9" for 3,4,5,6,7,9 with step 1 (a partition's values are step apart).</summary>
    private static string Ranges(IEnumerable<long> values, int step)
    {
        var parts = new List<string>();
        long start = -1, end = -1;
        foreach (long v in values.Order())
        {
            if (start >= 0 && v == end + step) { end = v; continue; }
            if (start >= 0) parts.Add(start == end ? $"{start}" : $"{start}..{end}");
            start = end = v;
        }

        if (start >= 0) parts.Add(start == end ? $"{start}" : $"{start}..{end}");
        return parts.Count > 8 ? string.Join(", ", parts.Take(8)) + $", … ({parts.Count} ranges)" : string.Join(", ", parts);
    }
}
