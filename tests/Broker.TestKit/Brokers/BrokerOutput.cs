namespace Broker.TestKit.Brokers;

/// <summary>
/// A broker's output lines over all its starts. Thread-safety: Add is called from the process's reader threads while
/// the test reads, so every member locks.
/// </summary>
internal sealed class BrokerOutput
{
    private readonly List<string> _lines = [];

    public void Add(string line)
    {
        lock (_lines) _lines.Add(line);
    }

    /// <summary>Marks a new start; returns the index from which lines belong to it.</summary>
    public int BeginStart(int start)
    {
        lock (_lines)
        {
            _lines.Add($"=== start {start} at {DateTime.Now:HH:mm:ss.fff}");
            return _lines.Count;
        }
    }

    public bool ContainsSince(int index, string text)
    {
        lock (_lines)
        {
            for (int i = index; i < _lines.Count; i++)
                if (_lines[i].Contains(text, StringComparison.Ordinal)) return true;
            return false;
        }
    }

    public string[] Snapshot()
    {
        lock (_lines) return [.. _lines];
    }
}
