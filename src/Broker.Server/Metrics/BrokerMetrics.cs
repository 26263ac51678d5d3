using System.Collections.Concurrent;
using Prometheus;

namespace Broker.Server.Metrics;

/// <summary>
/// The broker's Prometheus registry and the counters the request path increments. Names follow the Prometheus JMX
/// exporter's example Kafka rules (<c>example_configs/kafka-2_0_0.yml</c>) applied to Kafka's MBeans, so dashboards
/// built for Kafka work: <c>kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec,topic=t</c> becomes
/// <c>kafka_server_brokertopicmetrics_messagesin_total{topic="t"}</c>. The all-topics MBean (no topic tag) is the
/// series with an empty topic label, which Prometheus stores as no label, as the exporter's output.
/// Gauges computed at scrape time live in <see cref="ReplicaGauges"/> and <see cref="ConsumerGroupGauges"/>.
/// </summary>
/// <remarks>
/// Thread-safe. Hot path: per-topic children are created once and cached (<see cref="Topic"/> is a dictionary lookup
/// without allocation); increments are lock-free (prometheus-net counters are interlocked adds), once per batch or
/// per partition of a response, never per record.
/// </remarks>
public sealed partial class BrokerMetrics
{
    private readonly ConcurrentDictionary<string, TopicCounters> _topics = new(StringComparer.Ordinal);
    private readonly Counter _messagesIn;
    private readonly Counter _bytesIn;
    private readonly Counter _bytesOut;
    private readonly Counter _replicationBytesOut;

    public BrokerMetrics()
    {
        // A custom registry: no process-wide state (several brokers may share a test process), and none of
        // prometheus-net's default .NET runtime collectors unless asked for.
        Registry = Prometheus.Metrics.NewCustomRegistry();
        Factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        _messagesIn = Factory.CreateCounter("kafka_server_brokertopicmetrics_messagesin_total",
            "Records appended by this broker as leader (Kafka's MessagesInPerSec count); empty topic = all topics.", ["topic"]);
        _bytesIn = Factory.CreateCounter("kafka_server_brokertopicmetrics_bytesin_total",
            "Bytes of record batches appended as leader from producers (BytesInPerSec); empty topic = all topics.", ["topic"]);
        _bytesOut = Factory.CreateCounter("kafka_server_brokertopicmetrics_bytesout_total",
            "Bytes of record batches sent to consumers (BytesOutPerSec); empty topic = all topics.", ["topic"]);
        _replicationBytesOut = Factory.CreateCounter("kafka_server_brokertopicmetrics_replicationbytesout_total",
            "Bytes of record batches sent to followers (ReplicationBytesOutPerSec).");
        AllTopics = new TopicCounters(this, "");
        CreateRequestMetrics();
    }

    /// <summary>The registry the endpoint exports.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>Creates collectors in <see cref="Registry"/> (for the scrape-time gauges).</summary>
    public IMetricFactory Factory { get; }

    /// <summary>The all-topics series (empty topic label).</summary>
    public TopicCounters AllTopics { get; }

    /// <summary>The cached counters of one topic; allocation-free once the topic was seen.</summary>
    public TopicCounters Topic(string topic) =>
        _topics.TryGetValue(topic, out var counters) ? counters : _topics.GetOrAdd(topic, static (t, m) => new TopicCounters(m, t), this);

    /// <summary>A leader appended <paramref name="records"/> records in <paramref name="bytes"/> bytes from a producer.</summary>
    public void LeaderAppended(string topic, int records, int bytes)
    {
        var t = Topic(topic);
        t.MessagesIn.Inc(records);
        t.BytesIn.Inc(bytes);
        AllTopics.MessagesIn.Inc(records);
        AllTopics.BytesIn.Inc(bytes);
    }

    /// <summary>A Fetch response carries <paramref name="bytes"/> bytes of <paramref name="topic"/>'s records.</summary>
    public void FetchedOut(string topic, long bytes, bool follower)
    {
        if (bytes <= 0) return;
        if (follower)
        {
            _replicationBytesOut.Inc(bytes);
            return;
        }

        Topic(topic).BytesOut.Inc(bytes);
        AllTopics.BytesOut.Inc(bytes);
    }

    /// <summary>One topic's children of the per-topic counters.</summary>
    public sealed class TopicCounters
    {
        internal TopicCounters(BrokerMetrics metrics, string topic)
        {
            MessagesIn = metrics._messagesIn.WithLabels(topic);
            BytesIn = metrics._bytesIn.WithLabels(topic);
            BytesOut = metrics._bytesOut.WithLabels(topic);
        }

        public Counter.Child MessagesIn { get; }

        public Counter.Child BytesIn { get; }

        public Counter.Child BytesOut { get; }
    }
}
