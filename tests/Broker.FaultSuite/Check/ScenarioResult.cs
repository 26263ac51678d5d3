namespace Broker.FaultSuite.Check;

/// <summary>The figures of one scenario round; <see cref="Anomalies"/> lists every violation with its evidence.</summary>
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
    public bool ReplicasIdentical { get; set; } = true;
    public double LongestUnavailableSeconds { get; set; }
    public string Notes { get; set; } = "";
    public List<string> Anomalies { get; } = [];
    public List<string> Events { get; } = [];

    public bool Passed => Lost == 0 && Duplicated == 0 && Misplaced == 0 && OutOfOrder == 0 && CommitRegressions == 0
                          && ReplicasIdentical && Anomalies.Count == 0;
}
