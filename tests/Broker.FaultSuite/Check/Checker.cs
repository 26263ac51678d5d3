using Broker.FaultSuite.Workload;

namespace Broker.FaultSuite.Check;

/// <summary>
/// Jepsen-style checks of one round: every acknowledged value read back exactly once at its acknowledged
/// (partition, offset) — otherwise lost, misplaced or duplicated —, each producer's values in send order within a
/// partition, committed group offsets never going backwards, and the longest time without an acknowledgment from the
/// fault's start until the workload stopped.
/// </summary>
public static class Checker
{
    public static void Check(ScenarioResult result, IReadOnlyList<IProducerWorkload> producers, FinalRead.Result read,
        IReadOnlyList<Commit> commits, IReadOnlyDictionary<int, long> committedNow, long faultStartMs, long workloadEndMs)
    {
        foreach (var s in read.ShortWatermarks) Anomaly(result, "read: " + s);
        var acks = producers.SelectMany(p => p.Acks).ToList();
        result.Acknowledged = acks.Count;
        result.Failed = producers.Sum(p => p.Failures.Count);
        var where = read.Records.GroupBy(r => r.Value).ToDictionary(g => g.Key, g => g.ToList());
        var byPosition = read.Records.GroupBy(r => (r.Partition, r.Offset)).ToDictionary(g => g.Key, g => g.First().Value);

        // kafkajs's sequence reuse (see SequenceReuse): a lost value acknowledged at the offset of another kafkajs value
        // that is stored twice. Both halves are counted apart from the broker's figures.
        var reused = new HashSet<string>();
        foreach (var ack in acks.Where(a => a.Client == "kafkajs" && !where.ContainsKey(a.Value)))
        {
            if (byPosition.TryGetValue((ack.Partition, ack.Offset), out var holder) && holder.StartsWith("js-", StringComparison.Ordinal)
                && where[holder].Count > 1)
            {
                reused.Add(ack.Value);
                reused.Add(holder);
            }
        }

        foreach (var (value, copies) in where.Where(kv => kv.Value.Count > 1))
        {
            bool client = reused.Contains(value);
            bool notIdempotent = value.StartsWith("py-", StringComparison.Ordinal);
            if (client) result.ClientDuplicated += copies.Count - 1;
            else if (notIdempotent) result.NonIdempotentDuplicated += copies.Count - 1;
            else result.Duplicated += copies.Count - 1;
            string why = client ? " (kafkajs sequence reuse)" : notIdempotent ? " " + ScenarioResult.NotIdempotentTag : "";
            Anomaly(result, $"duplicate{why}: {value} stored {copies.Count} times at " +
                            string.Join(", ", copies.Select(c => $"p{c.Partition}@{c.Offset}")));
        }

        foreach (var ack in acks)
        {
            if (!where.TryGetValue(ack.Value, out var copies))
            {
                bool client = reused.Contains(ack.Value);
                if (client) result.ClientLost++;
                else result.Lost++;
                string there = byPosition.TryGetValue((ack.Partition, ack.Offset), out var other) ? $"offset holds {other}" : "offset not in the read";
                Anomaly(result, $"lost{(client ? " (kafkajs sequence reuse)" : "")}: {ack.Client} {ack.Value} acked at p{ack.Partition}@{ack.Offset} " +
                                $"at {Time(ack.AtMs)}; {there}; high watermark p{ack.Partition}={read.HighWatermarks[ack.Partition]}");
            }
            else if (ack.Offset < 0)
            {
                // librdkafka reports some records of a retried, possibly-persisted batch as delivered without an
                // offset (-1001): only their presence and uniqueness can be checked.
                result.AckedWithoutOffset++;
            }
            else if (!copies.Any(c => c.Partition == ack.Partition && c.Offset == ack.Offset))
            {
                result.Misplaced++;
                Anomaly(result, $"misplaced: {ack.Client} {ack.Value} acked at p{ack.Partition}@{ack.Offset}, stored at " +
                                string.Join(", ", copies.Select(c => $"p{c.Partition}@{c.Offset}")));
            }
        }

        foreach (var group in read.Records.GroupBy(r => (r.Partition, Client: r.Value.Split('-')[0])))
        {
            long last = -1;
            var seen = new HashSet<long>();
            foreach (var r in group.OrderBy(r => r.Offset))
            {
                long n = long.Parse(r.Value.Split('-')[1]);
                // kafka-python (not idempotent, one request in flight) stores a retried batch again right after the
                // first copy: the second copy is counted as a duplicate above, not as an order violation.
                if (!seen.Add(n) && group.Key.Client == "py") continue;
                if (n <= last)
                {
                    // kafkajs gives each request the partition's next sequence when it is sent and rolls it back when
                    // the request fails, so concurrent send() calls may be stored in another order than they were
                    // called: a client property, noted but not counted. librdkafka keeps one ordered sequence.
                    if (group.Key.Client == "js") result.ClientOrderNotes++;
                    else
                    {
                        result.OutOfOrder++;
                        Anomaly(result, $"order: {r.Value} at p{r.Partition}@{r.Offset} after {group.Key.Client}-{last}");
                    }
                }

                last = Math.Max(last, n);
            }
        }

        CheckCommits(result, commits, committedNow, "");
        foreach (var p in producers) result.LongestUnavailableByClient[p.Name] = LongestGapMs(p.Acks, faultStartMs, workloadEndMs) / 1000.0;
        result.LongestUnavailableSeconds = result.LongestUnavailableByClient.Values.Max();
    }

    /// <summary>Committed offsets of one group never go backwards, nor below the last success at the end.</summary>
    public static void CheckCommits(ScenarioResult result, IReadOnlyList<Commit> commits, IReadOnlyDictionary<int, long> committedNow, string group)
    {
        foreach (var partition in commits.GroupBy(c => c.Partition))
        {
            long last = -1;
            foreach (var c in partition)
            {
                if (c.Offset < last)
                {
                    result.CommitRegressions++;
                    Anomaly(result, $"commit regression{group}: p{c.Partition} committed {c.Offset} at {Time(c.AtMs)} after {last}");
                }

                last = Math.Max(last, c.Offset);
            }

            if (committedNow.TryGetValue(partition.Key, out long now) && now < last)
            {
                result.CommitRegressions++;
                Anomaly(result, $"commit regression{group}: p{partition.Key} committed offset is {now} at the end, after a successful commit of {last}");
            }
        }

    }

    /// <summary>
    /// The kafka-python consumer: every record it read is in the final read at the same partition and offset (it read
    /// only committed data), its group's commits never go backwards, and it never stopped on an exception.
    /// </summary>
    public static void CheckKafkaPythonConsumer(ScenarioResult result, KafkaPythonConsumer consumer, FinalRead.Result read,
        IReadOnlyDictionary<int, long> committedNow)
    {
        var byPosition = read.Records.GroupBy(r => (r.Partition, r.Offset)).ToDictionary(g => g.Key, g => g.First().Value);
        foreach (var r in consumer.Read)
        {
            if (byPosition.TryGetValue((r.Partition, r.Offset), out var stored) && stored == r.Value) continue;
            result.ConsumerMismatches++;
            Anomaly(result, $"kafka-python consumer read {r.Value} at p{r.Partition}@{r.Offset}; the final read has " +
                            (stored is null ? "nothing there" : stored));
        }

        CheckCommits(result, consumer.Commits, committedNow, " (kafka-python group)");
        if (consumer.Fatal is not null)
        {
            result.ClientFailures++;
            Anomaly(result, $"client failure: kafka-python consumer stopped: {consumer.Fatal}");
        }
    }

    /// <summary>A scenario where no client may fail: every failed send and every fatal producer error is an anomaly.</summary>
    public static void CheckNoClientFailed(ScenarioResult result, IReadOnlyList<IProducerWorkload> producers)
    {
        foreach (var p in producers)
        {
            var failures = p.Failures;
            if (failures.Count == 0) continue;
            result.ClientFailures += failures.Count;
            Anomaly(result, $"client failure: {p.Name} failed {failures.Count} send(s), first {failures[0].Value} p{failures[0].Partition} " +
                            $"at {Time(failures[0].AtMs)}: {failures[0].Error}");
        }
    }

    /// <summary>The longest interval inside [from, to] without an acknowledgment.</summary>
    public static long LongestGapMs(IReadOnlyList<Ack> acks, long from, long to)
    {
        long previous = from, longest = 0;
        foreach (long t in acks.Select(a => a.AtMs).Where(t => t >= from && t <= to).Order())
        {
            longest = Math.Max(longest, t - previous);
            previous = t;
        }

        return Math.Max(longest, to - previous);
    }

    private static void Anomaly(ScenarioResult result, string text)
    {
        // Keep the report readable: the first 40 broker-side and the first 40 client-side anomalies of a run are
        // listed (so that many client duplicates never hide a broker fault), the counts carry the rest.
        bool client = ScenarioResult.IsClientSide(text);
        int listed = result.Anomalies.Count(a => ScenarioResult.IsClientSide(a) == client);
        if (listed < 40) result.Anomalies.Add(text);
        else if (listed == 40) result.Anomalies.Add(client ? ScenarioResult.MoreClientMarker : ScenarioResult.MoreMarker);
    }

    public static string Time(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("HH:mm:ss.fff");
}
