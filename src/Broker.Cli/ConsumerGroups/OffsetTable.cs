using System.Text;

namespace Broker.Cli.ConsumerGroups;

/// <summary>
/// Kafka 3.6's text tables for consumer groups: left-aligned columns separated by one space, the variable columns as
/// wide as <c>max(minimum, longest value)</c>, <c>-</c> for a missing value, a blank line before each header.
/// Pure functions; thread-safe.
/// </summary>
internal static class OffsetTable
{
    public const string Missing = "-";

    /// <summary>The offsets view: <c>%-Gs %-Ts %-10s %-15s %-15s %-15s %-Cs %-Hs %s</c>, G/T/C/H at least 15.</summary>
    public static string Offsets(IReadOnlyList<OffsetRow> rows)
    {
        int g = Width(15, rows.Select(r => r.Group));
        int t = Width(15, rows.Select(r => r.Topic));
        int c = Width(15, rows.Select(r => r.ConsumerId));
        int h = Width(15, rows.Select(r => r.Host));
        var text = new StringBuilder("\n");
        Line(text, [("GROUP", g), ("TOPIC", t), ("PARTITION", 10), ("CURRENT-OFFSET", 15), ("LOG-END-OFFSET", 15), ("LAG", 15),
            ("CONSUMER-ID", c), ("HOST", h), ("CLIENT-ID", 0)]);
        foreach (var r in rows)
        {
            Line(text, [(r.Group, g), (Cell(r.Topic), t), (Cell(r.Partition), 10), (Cell(r.CurrentOffset), 15), (Cell(r.LogEndOffset), 15),
                (Cell(r.Lag), 15), (Cell(r.ConsumerId), c), (Cell(r.Host), h), (Cell(r.ClientId), 0)]);
        }

        return text.ToString();
    }

    /// <summary>The reset preview/result: <c>%-30s %-30s %-10s %-15s</c> under GROUP TOPIC PARTITION NEW-OFFSET.</summary>
    public static string Reset(IEnumerable<(string Group, string Topic, int Partition, long Offset)> rows)
    {
        var text = new StringBuilder("\n");
        Line(text, [("GROUP", 30), ("TOPIC", 30), ("PARTITION", 10), ("NEW-OFFSET", 15)]);
        foreach (var r in rows) Line(text, [(r.Group, 30), (r.Topic, 30), (Cell(r.Partition), 10), (Cell(r.Offset), 15)]);
        return text.ToString();
    }

    /// <summary>Left-aligns each cell to its width (0 = as is) and joins with single spaces, as Java's %-Ns does.</summary>
    public static void Line(StringBuilder text, ReadOnlySpan<(string Value, int Width)> cells)
    {
        for (int i = 0; i < cells.Length; i++)
        {
            if (i > 0) text.Append(' ');
            text.Append(cells[i].Value.PadRight(cells[i].Width));
        }

        text.Append('\n');
    }

    public static int Width(int minimum, IEnumerable<string?> values) =>
        values.Select(v => (v ?? Missing).Length).Append(minimum).Max();

    public static string Cell(string? value) => value ?? Missing;

    public static string Cell(long? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Missing;
}
