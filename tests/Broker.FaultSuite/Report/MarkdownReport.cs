using System.Text;
using Broker.FaultSuite.Check;
using Broker.FaultSuite.Scenarios;

namespace Broker.FaultSuite.Report;

/// <summary>docs/reliability.md: the matrix (scenario × round) with its figures, the promise per scenario, every anomaly.</summary>
public static class MarkdownReport
{
    public static string Render(IReadOnlyList<ScenarioResult> results, DateTime startedUtc, string brokerCommit)
    {
        var md = new StringBuilder();
        md.AppendLine("# Reliability under faults (bin/fault-test.sh)").AppendLine();
        md.AppendLine($"Measured {startedUtc:yyyy-MM-dd HH:mm} UTC on broker commit `{brokerCommit}` by `bin/fault-test.sh` " +
                      "(tests/Broker.FaultSuite). Generated file: rerun the script to refresh it.").AppendLine();
        md.AppendLine("**Set-up.** Three brokers and ZooKeeper (one server; three for the ensemble scenario), each in its own network " +
                      "namespace on a bridge (10.77.0.0/24); faults are iptables DROP rules inside a namespace, SIGSTOP/SIGCONT and " +
                      "kill -9. Topic: 3 partitions, RF 3, min.insync.replicas=2, unclean election off; 6 s ZooKeeper sessions, " +
                      "replica.lag.time.max.ms 10 s. Workload: a librdkafka (Confluent.Kafka 2.16) and a kafkajs 2.2.4 idempotent " +
                      "acks=all producer, 60 records/s each, every acknowledgment recorded; one consumer-group member committing " +
                      "every 250 ms; a final full read. Faults last 15 s unless said otherwise. The target is the leader of partition 0.").AppendLine();
        md.AppendLine("**Checks.** Every acknowledged record read back exactly once at its acknowledged partition and offset (*lost*: " +
                      "not found; *misplaced*: found elsewhere; *dup*: any value stored twice), each producer's order kept per " +
                      "partition, committed group offsets never going backwards, replicas byte-identical below the high watermark " +
                      "after healing (segment files compared after a graceful stop). *Unavailable* is the longest time without any " +
                      "acknowledgment for each producer (all partitions), from the fault's start until the workload stopped.").AppendLine();
        md.AppendLine("| Scenario | Round | Acked | Lost | Dup | kafkajs seq. reuse: lost / dup | Misplaced | Order | Commit regressions | Replicas identical | Longest unavailable (s): librdkafka / kafkajs | Result |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
            md.AppendLine($"| {r.Scenario} | {r.Round} | {r.Acknowledged} | {r.Lost} | {r.Duplicated} | {r.ClientLost} / {r.ClientDuplicated} | {r.Misplaced} | {r.OutOfOrder} | " +
                          $"{r.CommitRegressions} | {(r.ReplicasIdentical ? "yes" : "**no**")} | {Gap(r, "confluent")} / {Gap(r, "kafkajs")} | {(r.Passed ? "pass" : "**FAIL**")} |");
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
                      "(a CRC-32C of the records, kept in the producer state and its snapshots) and answers INVALID_RECORD (87) " +
                      "when they differ, so such a `send()` fails visibly instead of being acknowledged; rows measured on older " +
                      "commits still count the false acknowledgments.").AppendLine();
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

    private static string Gap(ScenarioResult r, string client) =>
        r.LongestUnavailableByClient.TryGetValue(client, out double s) ? s.ToString("0.0") : "?";
}
