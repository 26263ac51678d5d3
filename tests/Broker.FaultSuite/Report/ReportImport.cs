using System.Globalization;
using Broker.FaultSuite.Check;

namespace Broker.FaultSuite.Report;

/// <summary>
/// Reads the rounds back out of a rendered docs/reliability.md (its "Every round" table and its per-round notes and
/// anomalies), for runs whose results.json is gone: `--render` merges them with new results, so a report keeps its
/// earlier rounds. Figures the table does not show (kafkajs order notes, acks without offset) come back as 0; the
/// notes line carries them as text.
/// </summary>
public static class ReportImport
{
    /// <summary>The client keys of the "Longest unavailable" column, in its order.</summary>
    private static readonly string[] Clients = ["confluent", "kafkajs", "kafka-python"];

    public static List<ScenarioResult> FromMarkdown(string path)
    {
        var lines = File.ReadAllLines(path);
        var results = new List<ScenarioResult>();
        int table = Array.FindIndex(lines, l => l.StartsWith("### Every round", StringComparison.Ordinal));
        if (table < 0) throw new InvalidDataException($"{path}: no \"### Every round\" table");
        int i = table + 1;
        while (i < lines.Length && !lines[i].StartsWith("| Scenario", StringComparison.Ordinal)) i++;
        for (i += 2; i < lines.Length && lines[i].StartsWith('|'); i++) results.Add(Row(lines[i]));

        for (; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("### ", StringComparison.Ordinal) || !lines[i].Contains(", round ", StringComparison.Ordinal)) continue;
            string[] head = lines[i][4..].Split(", round ");
            var result = results.Single(r => r.Scenario == head[0] && r.Round == int.Parse(head[1], CultureInfo.InvariantCulture));
            int j = i + 1;
            while (j < lines.Length && lines[j].Length == 0) j++;
            if (j < lines.Length && lines[j] != "(no notes)" && !lines[j].StartsWith("- ", StringComparison.Ordinal) && lines[j] != "No anomaly.")
                result.Notes = lines[j++];
            for (; j < lines.Length && !lines[j].StartsWith("#", StringComparison.Ordinal); j++)
                if (lines[j].StartsWith("- ", StringComparison.Ordinal)) result.Anomalies.Add(lines[j][2..]);
            i = j - 1;
        }

        return results;
    }

    /// <summary>One row of the "Every round" table (columns as MarkdownReport writes them).</summary>
    private static ScenarioResult Row(string line)
    {
        string[] c = line.Trim('|').Split('|').Select(s => s.Trim()).ToArray();
        if (c.Length != 16) throw new InvalidDataException($"unexpected row: {line}");
        long N(string s) => long.Parse(s, CultureInfo.InvariantCulture);
        string[] reuse = c[5].Split(" / ");
        var result = new ScenarioResult
        {
            Scenario = c[0], Round = int.Parse(c[1], CultureInfo.InvariantCulture), Acknowledged = N(c[2]), Lost = N(c[3]),
            Duplicated = N(c[4]), ClientLost = N(reuse[0]), ClientDuplicated = N(reuse[1]), NonIdempotentDuplicated = N(c[6]),
            Failed = N(c[7]), ClientFailures = N(c[8]), Misplaced = N(c[9]), OutOfOrder = N(c[10]), CommitRegressions = N(c[11]),
            ConsumerMismatches = N(c[12]), ReplicasIdentical = c[13] == "yes",
        };
        string[] gaps = c[14].Split(" / ");
        for (int k = 0; k < Clients.Length && k < gaps.Length; k++)
            if (double.TryParse(gaps[k], NumberStyles.Float, CultureInfo.InvariantCulture, out double s)) result.LongestUnavailableByClient[Clients[k]] = s;
        result.LongestUnavailableSeconds = result.LongestUnavailableByClient.Values.DefaultIfEmpty(0).Max();
        return result;
    }
}
