using System.Diagnostics;

namespace Broker.Perf.Common;

/// <summary>
/// Paces sends to a fixed rate by schedule: permit <c>i</c> is due at <c>start + i / rate</c>, so a late permit does
/// not shift later ones (the average rate stays exact, and the intended time is what latency is measured from, which
/// avoids coordinated omission). Waits sleep with a fine-grained native sleep and yield for the last microseconds,
/// instead of spinning, because the client shares the machine with the broker.
/// Thread-safety: one thread calls <see cref="Acquire"/>.
/// </summary>
internal sealed class RateLimiter
{
    private readonly double _ticksPerPermit;
    private long _start;
    private long _issued;

    /// <param name="permitsPerSecond">the rate; zero or negative means unlimited (Acquire never waits)</param>
    public RateLimiter(double permitsPerSecond)
    {
        Unlimited = permitsPerSecond <= 0;
        _ticksPerPermit = Unlimited ? 0 : Stopwatch.Frequency / permitsPerSecond;
        _start = Stopwatch.GetTimestamp();
    }

    public bool Unlimited { get; }

    /// <summary>Restarts the schedule at "now" (call right before the first send).</summary>
    public void Reset()
    {
        _start = Stopwatch.GetTimestamp();
        _issued = 0;
    }

    /// <summary>Waits until the next permit is due and returns its due time in Stopwatch ticks (now when unlimited).</summary>
    public long Acquire()
    {
        if (Unlimited) return Stopwatch.GetTimestamp();
        long due = _start + (long)(_issued * _ticksPerPermit);
        _issued++;
        PreciseSleep.Until(due);
        return due;
    }
}
