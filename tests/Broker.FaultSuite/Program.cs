using Broker.FaultSuite;
using Broker.FaultSuite.Check;
using Broker.FaultSuite.Net;
using Broker.FaultSuite.Report;
using Broker.FaultSuite.Scenarios;

// Usage: Broker.FaultSuite [--scenario NAME]... [--rounds N] [--first-round K] [--ci] [--report PATH] [--runs DIR]
//        Broker.FaultSuite --render REPORT.md RUNS/results.json|OLD-REPORT.md...  (rewrite a report from saved results,
//        merged; an earlier report's rounds are read back from its tables when its results.json is gone)
//        Broker.FaultSuite --dump LOGDIR TOPIC PARTITION [FROM TO]  (batch headers of a partition's segments)
// Expects the namespaces of bin/fault-test.sh (kn1..kn3, kn10..kn12 on kbr0). Exit 0 only when every round passed.
var names = new List<string>();
int rounds = 1;
int firstRound = 1;
bool ci = false;
string? reportPath = null;
string runs = Path.Combine(SuitePaths.Root, ".build", "fault-runs", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss"));
if (args is ["--render", var reportOut, .. var resultFiles] && resultFiles.Length > 0)
{
    // Several runs merge: every round is kept, numbered per scenario in file order; rows in catalog order.
    var runsSaved = resultFiles.Select(f => f.EndsWith(".md", StringComparison.Ordinal) ? SavedRun.FromReport(f)
        : System.Text.Json.JsonSerializer.Deserialize<SavedRun>(File.ReadAllText(f))!).ToList();
    var ordered = runsSaved.SelectMany(s => s.Results)
        .GroupBy(r => r.Scenario)
        .OrderBy(g => Catalog.All.ToList().FindIndex(s => s.Name == g.Key))
        .SelectMany(g => g.Select((r, i) => new ScenarioResult
        {
            Scenario = r.Scenario, Round = i + 1, Acknowledged = r.Acknowledged, Failed = r.Failed, Lost = r.Lost, Duplicated = r.Duplicated,
            Misplaced = r.Misplaced, OutOfOrder = r.OutOfOrder, CommitRegressions = r.CommitRegressions, ClientOrderNotes = r.ClientOrderNotes,
            ClientLost = r.ClientLost, ClientDuplicated = r.ClientDuplicated, AckedWithoutOffset = r.AckedWithoutOffset,
            NonIdempotentDuplicated = r.NonIdempotentDuplicated, ConsumerMismatches = r.ConsumerMismatches, ClientFailures = r.ClientFailures, KafkajsReuseRefused = r.KafkajsReuseRefused,
            ReplicasIdentical = r.ReplicasIdentical, LongestUnavailableSeconds = r.LongestUnavailableSeconds,
            LongestUnavailableByClient = r.LongestUnavailableByClient, Notes = r.Notes,
        }.WithLists(r)))
        .ToList();
    File.WriteAllText(reportOut, MarkdownReport.Render(ordered, runsSaved.Min(s => s.StartedUtc), string.Join(", ", runsSaved.Select(s => s.Commit).Distinct())));
    return 0;
}

if (args is ["--dump", var dumpDir, var dumpTopic, var dumpPartition, ..])
{
    LogDump.Print(dumpDir, dumpTopic, int.Parse(dumpPartition), args.Length > 4 ? long.Parse(args[4]) : 0, args.Length > 5 ? long.Parse(args[5]) : long.MaxValue);
    return 0;
}

for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--scenario": names.Add(args[++i]); break;
        case "--rounds": rounds = int.Parse(args[++i]); break;
        case "--first-round": firstRound = int.Parse(args[++i]); break;
        case "--ci": ci = true; break;
        case "--report": reportPath = args[++i]; break;
        case "--runs": runs = args[++i]; break;
        default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
    }
}

try
{
    Shell.InNamespace(Hosts.BrokerNamespace(1), "true");
}
catch (Exception e)
{
    Console.WriteLine($"fault suite: FAIL: the test namespaces are not there or not usable ({e.Message.Trim()}); run bin/fault-test.sh as root");
    return 1;
}

var scenarios = names.Count > 0 ? names.Select(Catalog.Find).ToList()
    : ci ? Catalog.Ci.Select(Catalog.Find).ToList() : Catalog.All.ToList();
var started = DateTime.UtcNow;
var results = new List<ScenarioResult>();
Console.WriteLine($"fault suite: {scenarios.Count} scenario(s) × {rounds} round(s); evidence under {runs}");
string commit = Environment.GetEnvironmentVariable("BROKER_COMMIT") ?? "unknown";
// Round-major (every scenario's round 1, then every round 2, ...): a run cut short still covers every scenario
// equally; results.json is rewritten after each round, so a cut-off run can be rendered with --render.
// --first-round continues an earlier run's numbering (kill9-all's restart orders and the evidence folders follow it).
for (int round = firstRound; round < firstRound + rounds; round++)
{
    foreach (var scenario in scenarios)
    {
        Console.WriteLine($"== {scenario.Name} round {round} ({DateTime.UtcNow:HH:mm:ss})");
        var r = await ScenarioRunner.RunAsync(scenario, round, runs);
        results.Add(r);
        Console.WriteLine($"== {r.Scenario} r{r.Round}: acked {r.Acknowledged}, lost {r.Lost}, dup {r.Duplicated}, kafkajs sequence reuse lost/dup {r.ClientLost}/{r.ClientDuplicated}, kafka-python dup {r.NonIdempotentDuplicated}, failed sends {r.Failed}, client failures {r.ClientFailures}, kafkajs reuse refused {r.KafkajsReuseRefused}, consumer mismatch {r.ConsumerMismatches}, misplaced {r.Misplaced}, " +
                          $"order {r.OutOfOrder}, commit regressions {r.CommitRegressions}, replicas identical {r.ReplicasIdentical}, " +
                          $"longest unavailable {r.LongestUnavailableSeconds:0.0} s: {(r.Passed ? "pass" : "FAIL")}");
        foreach (var a in r.Anomalies) Console.WriteLine($"   ! {a}");
        SaveResults();
    }
}

if (reportPath is not null)
{
    File.WriteAllText(reportPath, MarkdownReport.Render(results, started, commit));
    Console.WriteLine($"report written to {reportPath}");
}

int failed = results.Count(r => !r.Passed);
Console.WriteLine($"fault suite: {results.Count - failed} passed, {failed} failed");
return failed == 0 ? 0 : 1;

void SaveResults() =>
    File.WriteAllText(Path.Combine(runs, "results.json"),
        System.Text.Json.JsonSerializer.Serialize(new SavedRun(started, commit, results), new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
