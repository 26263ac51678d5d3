namespace Broker.FaultSuite.Check;

/// <summary>The figures of one scenario round; <see cref="Anomalies"/> lists every violation with its evidence.</summary>
[System.Text.Json.Serialization.JsonObjectCreationHandling(System.Text.Json.Serialization.JsonObjectCreationHandling.Populate)]
public sealed class ScenarioResult
{
    public required string Scenario { get; init; }
    public int Round { get; init; }
    public long Acknowledged { get; set; }
    public long Failed { get; set; }
    public long Lost { get; set; }
    public long Duplicated { get; set; }
    public long Misplaced { get; set; }
    public long OutOfOrder { get; set; }
    public long CommitRegressions { get; set; }

    /// <summary>kafkajs records stored out of call order (not a broker promise; see Checker).</summary>
    public long ClientOrderNotes { get; set; }

    /// <summary>kafkajs acknowledgments lost to its own sequence reuse (acked at the offset of a value stored twice).</summary>
    public long ClientLost { get; set; }

    /// <summary>The second copies of those values.</summary>
    public long ClientDuplicated { get; set; }

    /// <summary>Second copies of kafka-python values: it has no idempotent producer, so a retried batch the broker had
    /// already appended is stored again (expected; not a broker fault).</summary>
    public long NonIdempotentDuplicated { get; set; }

    /// <summary>Records the kafka-python consumer read that the final read does not hold at that offset.</summary>
    public long ConsumerMismatches { get; set; }

    /// <summary>Failed sends and stopped clients in a scenario where no client may fail (kill9-restart).</summary>
    public long ClientFailures { get; set; }

    /// <summary>Only in results.json of runs on broker commits before the CORRUPT_MESSAGE answer: kafkajs sends refused
    /// with INVALID_RECORD because kafkajs reused a stored sequence with other records. Since that answer kafkajs
    /// retries such a send, so any failed send in kill9-restart is a client failure again.</summary>
    public long KafkajsReuseRefused { get; set; }

    /// <summary>Acknowledgments that came without an offset (librdkafka: -1001); checked for presence only.</summary>
    public long AckedWithoutOffset { get; set; }
    public bool ReplicasIdentical { get; set; } = true;
    public double LongestUnavailableSeconds { get; set; }

    /// <summary>Longest time without an acknowledgment per producer (librdkafka, kafkajs), seconds.</summary>
    public Dictionary<string, double> LongestUnavailableByClient { get; set; } = [];
    public string Notes { get; set; } = "";
    public List<string> Anomalies { get; } = [];
    public List<string> Events { get; } = [];

    public bool Passed => Lost == 0 && Duplicated == 0 && Misplaced == 0 && OutOfOrder == 0 && CommitRegressions == 0
                          && ConsumerMismatches == 0 && ClientFailures == 0 && ReplicasIdentical && Anomalies.All(IsClientAnomaly);

    /// <summary>Tag of the anomalies that are kafka-python's duplicates (no idempotent producer).</summary>
    public const string NotIdempotentTag = "(kafka-python, not idempotent)";

    /// <summary>Listed in place of further broker-side anomalies of a round (the counters carry them).</summary>
    public const string MoreMarker = "… (more; see the counts)";

    /// <summary>Listed in place of further client-side anomalies of a round (the client columns carry them).</summary>
    public const string MoreClientMarker = "… (more client-side anomalies: kafkajs sequence reuse, kafka-python duplicates; see the counts)";

    /// <summary>Anomalies of the clients' own making (kafkajs's sequence reuse, kafka-python's retried duplicates).</summary>
    public static bool IsClientSide(string anomaly) =>
        anomaly.Contains("(kafkajs sequence reuse)", StringComparison.Ordinal) || anomaly.Contains(NotIdempotentTag, StringComparison.Ordinal)
        || anomaly == MoreClientMarker;

    /// <summary>
    /// Anomalies not held against the broker by <see cref="Passed"/>: the client-side ones, and the truncation marker,
    /// which stands only for checker anomalies that each have a counter (lost, dup, ...) that <see cref="Passed"/> checks.
    /// </summary>
    public static bool IsClientAnomaly(string anomaly) => IsClientSide(anomaly) || anomaly == MoreMarker;

    /// <summary>Copies the anomalies and events of <paramref name="other"/> into this result; returns this.</summary>
    public ScenarioResult WithLists(ScenarioResult other)
    {
        Anomalies.AddRange(other.Anomalies);
        Events.AddRange(other.Events);
        return this;
    }
}
