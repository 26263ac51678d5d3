using System.Text;
using Broker.FaultSuite.Check;
using Broker.FaultSuite.Scenarios;

namespace Broker.FaultSuite.Report;

/// <summary>docs/reliability.md: the matrix (scenario × round) with its figures, the promise per scenario, every anomaly.</summary>
public static class MarkdownReport
{
    /// <param name="results">In any order (runs are round-major); rows are sorted by catalog order, then round.</param>
    public static string Render(IReadOnlyList<ScenarioResult> results, DateTime startedUtc, string brokerCommit)
    {
        var catalog = Catalog.All.Select(s => s.Name).ToList();
        results = results.OrderBy(r => catalog.IndexOf(r.Scenario)).ThenBy(r => r.Round).ToList();
        var md = new StringBuilder();
        md.AppendLine("# Reliability under faults (bin/fault-test.sh)").AppendLine();
        md.AppendLine($"Measured {startedUtc:yyyy-MM-dd HH:mm} UTC on broker commit `{brokerCommit}` by `bin/fault-test.sh` " +
                      "(tests/Broker.FaultSuite). Generated file: rerun the script to refresh it.").AppendLine();
        md.AppendLine("**Set-up.** Three brokers and ZooKeeper (one server; three for the ensemble scenario), each in its own network " +
                      "namespace on a bridge (10.77.0.0/24); faults are iptables DROP rules inside a namespace, SIGSTOP/SIGCONT and " +
                      "kill -9. Topic: 3 partitions, RF 3, min.insync.replicas=2, unclean election off; 6 s ZooKeeper sessions, " +
                      "replica.lag.time.max.ms 10 s. Workload: a librdkafka (Confluent.Kafka 2.16) and a kafkajs 2.2.4 idempotent " +
                      "acks=all producer and a kafka-python 2.0.2 (Debian python3-kafka) acks=all producer (no idempotence in that " +
                      "version: retries, one request in flight), 60 records/s each, every acknowledgment and every failure recorded; " +
                      "a librdkafka and a kafka-python consumer-group member (separate groups) committing every 250 ms; a final full " +
                      "read. Faults last 15 s unless said otherwise. The target is the leader of partition 0. kill9-all crashes all " +
                      "brokers twice per round and restarts them one by one in the orders 2(r-1) and 2(r-1)+1 (mod 6) of the 6 " +
                      "permutations (round r; 1 2 3, 1 3 2, 2 1 3, 2 3 1, 3 1 2, 3 2 1), so 3 rounds cover every restart order.").AppendLine();
        md.AppendLine("**Checks.** Every acknowledged record read back exactly once at its acknowledged partition and offset (*lost*: " +
                      "not found; *misplaced*: found elsewhere; *dup*: any value stored twice), each producer's order kept per " +
                      "partition, committed group offsets never going backwards, replicas byte-identical below the high watermark " +
                      "after healing (segment files compared after a graceful stop). *Unavailable* is the longest time without any " +
                      "acknowledgment for each producer (all partitions), from the fault's start until the workload stopped. The " +
                      "kafka-python consumer must only read records the final read holds at the same offset (*consumer mismatch*). " +
                      "In kill9-restart no client may fail: any failed send, fatal producer error or stopped consumer is a " +
                      "*client failure* and fails the round; elsewhere failed sends are listed in the notes.").AppendLine();
        AppendSummary(md, results);
        md.AppendLine("### Every round").AppendLine();
        md.AppendLine("| Scenario | Round | Acked | Lost | Dup | kafkajs seq. reuse: lost / dup | kafka-python dup (not idempotent) | Failed sends | Client failures | Misplaced | Order | Commit regressions | Consumer mismatch | Replicas identical | Longest unavailable (s): librdkafka / kafkajs / kafka-python | Result |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
            md.AppendLine($"| {r.Scenario} | {r.Round} | {r.Acknowledged} | {r.Lost} | {r.Duplicated} | {r.ClientLost} / {r.ClientDuplicated} | {r.NonIdempotentDuplicated} | " +
                          $"{r.Failed} | {r.ClientFailures} | {r.Misplaced} | {r.OutOfOrder} | {r.CommitRegressions} | {r.ConsumerMismatches} | {(r.ReplicasIdentical ? "yes" : "**no**")} | " +
                          $"{Gap(r, "confluent")} / {Gap(r, "kafkajs")} / {Gap(r, "kafka-python")} | {Outcome(r)} |");
        md.AppendLine();
        md.AppendLine("**kafkajs sequence reuse** (column apart; not a broker fault: Apache Kafka answers the same way). kafkajs 2.2.4 " +
                      "gives a produce request the partition's next sequence number when it sends it and, when the request fails on " +
                      "the client side (request timeout, connection reset), rolls the sequence back (`src/producer/sendMessages.js`: " +
                      "`updateSequence(-n)` in the catch around `broker.produce`) although the broker may already have appended it. " +
                      "The next `send()` to that partition (another call waiting for the per-broker lock) then goes out with the " +
                      "*same* producer id, epoch and sequence but other records; the broker takes it for a retry of the appended " +
                      "batch and, as Kafka does, answers success with the original batch's offset. That `send()` is acknowledged " +
                      "but its records are never stored; the failed call retries with the next sequence and its records are " +
                      "stored a second time. Signature: a kafkajs value acknowledged at an offset that holds another kafkajs value, " +
                      "which is stored twice. kafkajs's order across concurrent `send()` calls is not kept either (not counted). " +
                      "Since broker commit `3b7d423` the broker compares the records of a batch that repeats a cached sequence range " +
                      "(a CRC-32C of the records, kept in the producer state and its snapshots) and refuses it when they differ: " +
                      "first with INVALID_RECORD (87), which kafkajs does not retry, so the `send()` failed; since `ab0cf9b` " +
                      "with CORRUPT_MESSAGE (2), which kafkajs retries (it rolls the sequence back again and " +
                      "re-sends the call with a fresh sequence once the stored batch's own retry has taken the old one), so every " +
                      "record is acknowledged and stored once. Rows measured on commits before `3b7d423` still count the false " +
                      "acknowledgments. A correct idempotent producer (librdkafka, Java) never sends one sequence with two contents, " +
                      "so it never gets this answer.").AppendLine();
        md.AppendLine("**kafkajs after a leader crash (kill9-restart client failures).** The same kafkajs behaviour hits kafkajs " +
                      "in kill9-restart: the produce requests in flight on the killed leader's connection all fail (connection " +
                      "closed) and each rolls the partition's sequence back, although the first of them was appended and " +
                      "replicated; the retries then go to the new leader, where the first one to win the per-broker lock carries " +
                      "that appended sequence with *other* records. Apache Kafka would answer that batch with success and the stored " +
                      "batch's offset (a false acknowledgment: the records are lost). This broker answered INVALID_RECORD (87) " +
                      "until the CORRUPT_MESSAGE change, and kafkajs failed that `send()` (the client failures of the earlier " +
                      "kill9-restart rounds; nothing lost or duplicated); now it answers CORRUPT_MESSAGE (2) and kafkajs retries " +
                      "the call with a fresh sequence, so no send fails (checked by tests/Broker.FaultSuite/js/seqreuse.js, run " +
                      "as KafkajsSequenceReuseTests).").AppendLine();
        md.AppendLine("**kafka-python duplicates** (own column; expected, not a broker fault). Debian's python3-kafka 2.0.2 has no " +
                      "idempotent producer (no `enable_idempotence`); it runs with acks=all, unbounded retries and " +
                      "max_in_flight_requests_per_connection=1, so its order is kept, but a request the broker appended whose answer " +
                      "never arrived (crash, dropped answer, request timeout) is sent again and stored a second time. Its second " +
                      "copies are not counted as order violations.").AppendLine();
        md.AppendLine("**Acks without offset.** librdkafka reports some records of a retried, possibly-persisted batch as delivered " +
                      "with offset -1001 (unknown); those are checked for presence and uniqueness only.").AppendLine();
        md.AppendLine("## What Kafka promises per scenario").AppendLine();
        foreach (var name in results.Select(r => r.Scenario).Distinct())
            md.AppendLine($"- **{name}**: {Catalog.Find(name).Promise}");
        md.AppendLine();
        md.AppendLine("## Anomalies and notes").AppendLine();
        foreach (var r in results)
        {
            md.AppendLine($"### {r.Scenario}, round {r.Round}").AppendLine();
            md.AppendLine(r.Notes.Length > 0 ? r.Notes : "(no notes)").AppendLine();
            if (r.Anomalies.Count == 0) md.AppendLine("No anomaly.").AppendLine();
            else
            {
                foreach (var a in r.Anomalies) md.AppendLine($"- {a}");
                md.AppendLine();
            }
        }

        return md.ToString();
    }

    /// <summary>One row per scenario: rounds, rounds passed, sums over its rounds, and the longest unavailability of any round.</summary>
    private static void AppendSummary(StringBuilder md, IReadOnlyList<ScenarioResult> results)
    {
        md.AppendLine("### Per scenario (all rounds)").AppendLine();
        md.AppendLine("*Aborted*: the harness gave up before the checks (see the round's notes), so the round says nothing about the broker.").AppendLine();
        md.AppendLine("| Scenario | Rounds | Passed | Aborted | Acked | Lost | Dup | kafkajs seq. reuse: lost / dup | kafka-python dup (not idempotent) | Failed sends | Client failures | Misplaced / order / commit regr. / consumer mismatch | Longest unavailable (s): librdkafka / kafkajs / kafka-python |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var g in results.GroupBy(r => r.Scenario))
            md.AppendLine($"| {g.Key} | {g.Count()} | {g.Count(r => r.Passed)} | {g.Count(Aborted)} | {g.Sum(r => r.Acknowledged)} | {g.Sum(r => r.Lost)} | {g.Sum(r => r.Duplicated)} | " +
                          $"{g.Sum(r => r.ClientLost)} / {g.Sum(r => r.ClientDuplicated)} | {g.Sum(r => r.NonIdempotentDuplicated)} | {g.Sum(r => r.Failed)} | " +
                          $"{g.Sum(r => r.ClientFailures)} | {g.Sum(r => r.Misplaced)} / {g.Sum(r => r.OutOfOrder)} / {g.Sum(r => r.CommitRegressions)} / {g.Sum(r => r.ConsumerMismatches)} | " +
                          $"{MaxGap(g, "confluent")} / {MaxGap(g, "kafkajs")} / {MaxGap(g, "kafka-python")} |");
        md.AppendLine();
    }

    /// <summary>A round the harness abandoned (an exception before the checks ran).</summary>
    private static bool Aborted(ScenarioResult r) => r.Anomalies.Any(a => a.StartsWith("harness:", StringComparison.Ordinal));

    private static string Outcome(ScenarioResult r) => r.Passed ? "pass" : Aborted(r) ? "**aborted**" : "**FAIL**";

    private static string MaxGap(IEnumerable<ScenarioResult> rounds, string client)
    {
        var gaps = rounds.Where(r => r.LongestUnavailableByClient.ContainsKey(client)).Select(r => r.LongestUnavailableByClient[client]).ToList();
        return gaps.Count == 0 ? "?" : gaps.Max().ToString("0.0");
    }

    private static string Gap(ScenarioResult r, string client) =>
        r.LongestUnavailableByClient.TryGetValue(client, out double s) ? s.ToString("0.0") : "?";
}
