namespace Broker.Fuzz.Minimize;

/// <summary>
/// Zeller's ddmin: the smallest sublist (1-minimal: removing any single element loses the failure) of a failing input
/// for which <c>fails</c> still holds. Tries complements of n chunks, doubling n when none fails. The predicate is
/// assumed deterministic; a flaky one gives a larger, still failing, result. Not thread-safe (calls the predicate one
/// at a time, in order).
/// </summary>
public static class DeltaDebugger
{
    /// <summary>Returns a failing sublist of <paramref name="input"/> (order kept); <paramref name="input"/> itself must fail.</summary>
    public static async Task<List<T>> MinimizeAsync<T>(IReadOnlyList<T> input, Func<IReadOnlyList<T>, Task<bool>> fails, TrialBudget? budget = null)
    {
        var current = input.ToList();
        int n = 2;
        while (current.Count >= 2)
        {
            bool reduced = false;
            int chunk = (int)Math.Ceiling(current.Count / (double)n);
            for (int start = 0; start < current.Count && !(budget?.Exhausted ?? false); start += chunk)
            {
                // The complement of one chunk: drop [start, start + chunk).
                var candidate = current.Take(start).Concat(current.Skip(start + chunk)).ToList();
                if (candidate.Count == 0) continue;
                budget?.Spend();
                if (await fails(candidate).ConfigureAwait(false))
                {
                    current = candidate;
                    n = Math.Max(n - 1, 2);
                    reduced = true;
                    break;
                }
            }

            if (budget?.Exhausted ?? false) break;
            if (!reduced)
            {
                if (n >= current.Count) break; // single elements tried: 1-minimal
                n = Math.Min(n * 2, current.Count);
            }
        }

        return current;
    }
}

/// <summary>A bound on predicate calls (each may cost a broker round trip or seconds); shared across the phases of one minimization.</summary>
public sealed class TrialBudget(int max)
{
    public int Used { get; private set; }

    public bool Exhausted => Used >= max;

    public void Spend() => Used++;
}
