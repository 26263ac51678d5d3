namespace Broker.Network;

/// <summary>
/// Lets one log line of a repeating error through per interval and counts the ones held back, so an error that
/// repeats in a tight loop (accept failing with EMFILE) cannot flood the log. Thread-safe.
/// </summary>
internal sealed class RateLimitedLog(TimeSpan interval)
{
    private readonly object _lock = new();
    private long _nextAllowedMs = long.MinValue;
    private int _suppressed;

    /// <summary>
    /// True when the caller should log now; <paramref name="suppressed"/> is how many occurrences were held back since
    /// the last line that was let through.
    /// </summary>
    public bool ShouldLog(out int suppressed)
    {
        long now = Environment.TickCount64;
        lock (_lock)
        {
            if (now < _nextAllowedMs)
            {
                _suppressed++;
                suppressed = 0;
                return false;
            }

            suppressed = _suppressed;
            _suppressed = 0;
            _nextAllowedMs = now + (long)interval.TotalMilliseconds;
            return true;
        }
    }
}
