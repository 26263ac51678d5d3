using System.Globalization;
using System.Text.RegularExpressions;
using Broker.FaultSuite.Check;

namespace Broker.FaultSuite.Report;

/// <summary>A run's results as saved in results.json beside the evidence (the report can be re-rendered from it).</summary>
public sealed record SavedRun(DateTime StartedUtc, string Commit, List<ScenarioResult> Results)
{
    /// <summary>The rounds of a rendered report (see <see cref="ReportImport"/>), with its start time and commits.</summary>
    public static SavedRun FromReport(string path)
    {
        Match m = Regex.Match(File.ReadAllText(path), @"Measured (\d{4}-\d\d-\d\d \d\d:\d\d) UTC on broker commit `([^`]*)`");
        if (!m.Success) throw new InvalidDataException($"{path}: no \"Measured ... on broker commit\" line");
        return new SavedRun(DateTime.SpecifyKind(DateTime.ParseExact(m.Groups[1].Value, "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), DateTimeKind.Utc),
            m.Groups[2].Value, ReportImport.FromMarkdown(path));
    }
}
