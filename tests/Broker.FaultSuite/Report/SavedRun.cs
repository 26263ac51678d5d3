using Broker.FaultSuite.Check;

namespace Broker.FaultSuite.Report;

/// <summary>A run's results as saved in results.json beside the evidence (the report can be re-rendered from it).</summary>
public sealed record SavedRun(DateTime StartedUtc, string Commit, List<ScenarioResult> Results);
