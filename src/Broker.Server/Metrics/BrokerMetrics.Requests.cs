using System.Diagnostics;
using Broker.Protocol;
using Prometheus;

namespace Broker.Server.Metrics;

/// <summary>
/// Request metrics, as Kafka's <c>kafka.network:type=RequestMetrics</c>: a count per API and version, and the total
/// and queue times per API as summaries with Kafka's percentiles (50th … 99.9th over the last 5 minutes, as Kafka's
/// decaying histograms show them). Decision: summaries rather than histograms, because the JMX exporter turns Kafka's
/// histograms into exactly this shape (<c>name{quantile="0.99"}</c> plus <c>name_count</c>), which dashboards query;
/// the quantile of Kafka's 50thPercentile is written "0.5" here ("0.50" by the exporter). Fetch is split into
/// FetchConsumer and FetchFollower, as Kafka names it in these metrics. Network bytes are counted per frame
/// (size prefix included), as Kafka's socket-server-metrics incoming/outgoing byte totals.
/// </summary>
public sealed partial class BrokerMetrics
{
    /// <summary>Kafka's percentiles (quantile, allowed error).</summary>
    private static readonly QuantileEpsilonPair[] KafkaPercentiles =
    [
        new(0.5, 0.05), new(0.75, 0.02), new(0.95, 0.01), new(0.98, 0.005), new(0.99, 0.001), new(0.999, 0.0001),
    ];

    private const int FetchFollowerSlot = 0x7FFF; // a request-name slot that is no API key

    private Counter _requests = null!;
    private Summary _totalTime = null!;
    private Summary _queueTime = null!;
    private Counter _incomingBytes = null!;
    private Counter _outgoingBytes = null!;

    // Children by API key (and version): created on first use, then read without locks.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, RequestChildren> _byApi = new();

    private void CreateRequestMetrics()
    {
        _requests = Factory.CreateCounter("kafka_network_requestmetrics_requests_total",
            "Requests served, by request name and version (Kafka's RequestsPerSec count).", ["request", "version"]);
        var summary = new SummaryConfiguration { Objectives = KafkaPercentiles, MaxAge = TimeSpan.FromMinutes(5), AgeBuckets = 5 };
        _totalTime = Factory.CreateSummary("kafka_network_requestmetrics_totaltimems",
            "Milliseconds from a request's arrival to its response written (Kafka's TotalTimeMs).", ["request"], summary);
        _queueTime = Factory.CreateSummary("kafka_network_requestmetrics_requestqueuetimems",
            "Milliseconds a complete request waited before its handler started (earlier requests of the connection, decoding; Kafka's RequestQueueTimeMs).",
            ["request"], summary);
        _incomingBytes = Factory.CreateCounter("kafka_server_socket_server_metrics_incoming_byte_total",
            "Bytes of Kafka requests received (frames, size prefix included).");
        _outgoingBytes = Factory.CreateCounter("kafka_server_socket_server_metrics_outgoing_byte_total",
            "Bytes of Kafka responses sent (frames, size prefix included).");
    }

    /// <summary>Kafka's request-metric name of an API: Fetch splits into FetchConsumer / FetchFollower.</summary>
    public static string RequestName(short apiKey, bool fetchFromFollower) => apiKey == (short)ApiKey.Fetch
        ? (fetchFromFollower ? "FetchFollower" : "FetchConsumer")
        : Enum.IsDefined((ApiKey)apiKey) ? ((ApiKey)apiKey).ToString() : apiKey.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Records one served request. Timestamps are <see cref="Stopwatch.GetTimestamp"/> values: arrival (the read that
    /// completed the frame), handler start and response written. Allocation-free after the first request of each
    /// API and version.
    /// </summary>
    public void RequestServed(short apiKey, short version, bool fetchFromFollower, long arrived, long started, long completed)
    {
        int slot = apiKey == (short)ApiKey.Fetch && fetchFromFollower ? FetchFollowerSlot : apiKey;
        if (!_byApi.TryGetValue(slot, out var children))
            children = _byApi.GetOrAdd(slot, static (s, m) => new RequestChildren(m, RequestName(s == FetchFollowerSlot ? (short)ApiKey.Fetch : (short)s, s == FetchFollowerSlot)), this);
        children.Count(version).Inc();
        children.TotalTime.Observe(Stopwatch.GetElapsedTime(arrived, completed).TotalMilliseconds);
        children.QueueTime.Observe(Stopwatch.GetElapsedTime(arrived, started).TotalMilliseconds);
    }

    /// <summary>A request frame of <paramref name="bytes"/> bytes arrived.</summary>
    public void BytesReceived(long bytes) => _incomingBytes.Inc(bytes);

    /// <summary>A response frame of <paramref name="bytes"/> bytes was written.</summary>
    public void BytesSent(long bytes) => _outgoingBytes.Inc(bytes);

    private sealed class RequestChildren(BrokerMetrics metrics, string name)
    {
        private readonly Counter.Child?[] _byVersion = new Counter.Child?[32];

        public Summary.Child TotalTime { get; } = metrics._totalTime.WithLabels(name);

        public Summary.Child QueueTime { get; } = metrics._queueTime.WithLabels(name);

        public Counter.Child Count(short version)
        {
            if ((uint)version >= (uint)_byVersion.Length) return metrics._requests.WithLabels(name, version.ToString(System.Globalization.CultureInfo.InvariantCulture));
            // A race creates the same child twice; prometheus-net returns the same instance for equal labels.
            return _byVersion[version] ??= metrics._requests.WithLabels(name, version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
