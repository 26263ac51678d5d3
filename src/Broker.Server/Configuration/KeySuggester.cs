namespace Broker.Server.Configuration;

/// <summary>"Did you mean" for misspelt setting names, by case-insensitive Levenshtein distance. Thread-safe.</summary>
internal static class KeySuggester
{
    /// <summary>
    /// The candidate nearest to <paramref name="name"/>, if its distance is at most max(2, length / 4); ties go to the
    /// earlier candidate.
    /// </summary>
    public static string? Closest(string name, IEnumerable<string> candidates)
    {
        var lowered = name.ToLowerInvariant();
        var limit = Math.Max(2, name.Length / 4);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Distance(lowered, candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return bestDistance <= limit ? best : null;
    }

    /// <summary>Levenshtein distance with two rolling rows.</summary>
    internal static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
            previous[j] = j;

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
