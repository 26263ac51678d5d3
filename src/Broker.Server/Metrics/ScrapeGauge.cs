using Prometheus;

namespace Broker.Server.Metrics;

/// <summary>
/// A labelled gauge filled afresh at each scrape: series set in this pass are kept, series of the previous pass not
/// set again (a partition moved away, a group deleted) are removed, so nothing stale is exported. Used only from
/// the registry's before-collect callback, which prometheus-net runs one scrape at a time.
/// </summary>
internal sealed class ScrapeGauge(Gauge gauge)
{
    private HashSet<LabelKey> _previous = [];
    private HashSet<LabelKey> _current = [];

    public void Begin() => _current.Clear();

    public void Set(double value, params string[] labels)
    {
        gauge.WithLabels(labels).Set(value);
        _current.Add(new LabelKey(labels));
    }

    /// <summary>Removes the series not set since <see cref="Begin"/>.</summary>
    public void End()
    {
        foreach (var stale in _previous)
            if (!_current.Contains(stale)) gauge.RemoveLabelled(stale.Values);
        (_previous, _current) = (_current, _previous);
    }

    private readonly struct LabelKey(string[] values) : IEquatable<LabelKey>
    {
        public string[] Values { get; } = values;

        public bool Equals(LabelKey other) => Values.AsSpan().SequenceEqual(other.Values);

        public override bool Equals(object? obj) => obj is LabelKey k && Equals(k);

        public override int GetHashCode()
        {
            var hash = new HashCode();
            foreach (var v in Values) hash.Add(v);
            return hash.ToHashCode();
        }
    }
}
