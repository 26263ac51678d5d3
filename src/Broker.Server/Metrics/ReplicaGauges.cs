using Broker.Server.Cluster;
using Broker.Server.Partitions;
using Prometheus;

namespace Broker.Server.Metrics;

/// <summary>
/// The gauges Kafka's ReplicaManager, KafkaController and Log MBeans expose, computed at scrape time from the hosted
/// partitions and this broker's cluster view (nothing is counted on the request path):
/// <list type="bullet">
/// <item><c>kafka_server_replicamanager_{leadercount,partitioncount,underreplicatedpartitions,underminisrpartitioncount}</c>
/// and the ISR shrink/expand counters (<c>isrshrinks_total</c>, <c>isrexpands_total</c>), over the partitions this broker
/// hosts; under-replicated and under-min-ISR count only partitions it leads, as Kafka.</item>
/// <item><c>kafka_controller_kafkacontroller_{activecontrollercount,offlinepartitionscount,globalpartitioncount,globaltopiccount}</c>:
/// as Kafka, the counts are reported by the active controller only (0 elsewhere), so a sum over brokers is right.</item>
/// <item><c>kafka_log_log_{size,logstartoffset,logendoffset}{topic,partition}</c> for every hosted replica, and per log
/// directory <c>kafka_log_logmanager_logdirectoryoffline{logdirectory}</c> (Kafka's) and
/// <c>kafka_log_logmanager_logdirectorysize{logdirectory}</c> (ours: the bytes of the hosted logs in that directory).</item>
/// </list>
/// </summary>
public sealed class ReplicaGauges
{
    private readonly ReplicaManager _replicas;
    private readonly IClusterMetadata _cluster;
    private readonly Func<bool> _isActiveController;
    private readonly Gauge _leaders, _partitions, _underReplicated, _underMinIsr;
    private readonly Counter _isrShrinks, _isrExpands;
    private readonly Gauge _activeController, _offline, _globalPartitions, _globalTopics;
    private readonly ScrapeGauge _size, _startOffset, _endOffset, _dirOffline, _dirSize;

    public ReplicaGauges(BrokerMetrics metrics, ReplicaManager replicas, IClusterMetadata cluster, Func<bool> isActiveController)
    {
        _replicas = replicas;
        _cluster = cluster;
        _isActiveController = isActiveController;
        var f = metrics.Factory;
        _leaders = f.CreateGauge("kafka_server_replicamanager_leadercount", "Partitions this broker leads.");
        _partitions = f.CreateGauge("kafka_server_replicamanager_partitioncount", "Partitions this broker hosts (leader or follower).");
        _underReplicated = f.CreateGauge("kafka_server_replicamanager_underreplicatedpartitions", "Partitions led here whose ISR is smaller than their replica set.");
        _underMinIsr = f.CreateGauge("kafka_server_replicamanager_underminisrpartitioncount", "Partitions led here whose ISR is below min.insync.replicas.");
        _isrShrinks = f.CreateCounter("kafka_server_replicamanager_isrshrinks_total", "ISR shrinks written by this broker as leader (IsrShrinksPerSec count).");
        _isrExpands = f.CreateCounter("kafka_server_replicamanager_isrexpands_total", "ISR expansions written by this broker as leader (IsrExpandsPerSec count).");
        _activeController = f.CreateGauge("kafka_controller_kafkacontroller_activecontrollercount", "1 on the active controller, else 0.");
        _offline = f.CreateGauge("kafka_controller_kafkacontroller_offlinepartitionscount", "Partitions without a leader (on the active controller; 0 elsewhere).");
        _globalPartitions = f.CreateGauge("kafka_controller_kafkacontroller_globalpartitioncount", "Partitions in the cluster (on the active controller; 0 elsewhere).");
        _globalTopics = f.CreateGauge("kafka_controller_kafkacontroller_globaltopiccount", "Topics in the cluster (on the active controller; 0 elsewhere).");
        _size = new(f.CreateGauge("kafka_log_log_size", "Bytes of the partition's log segments on this broker.", ["topic", "partition"]));
        _startOffset = new(f.CreateGauge("kafka_log_log_logstartoffset", "The replica's log start offset.", ["topic", "partition"]));
        _endOffset = new(f.CreateGauge("kafka_log_log_logendoffset", "The replica's log end offset.", ["topic", "partition"]));
        _dirOffline = new(f.CreateGauge("kafka_log_logmanager_logdirectoryoffline", "1 when the log directory failed (offline until restart), else 0.", ["logdirectory"]));
        _dirSize = new(f.CreateGauge("kafka_log_logmanager_logdirectorysize", "Bytes of the logs hosted in the log directory (ours, not a Kafka MBean).", ["logdirectory"]));
        metrics.Registry.AddBeforeCollectCallback(Collect);
    }

    private void Collect()
    {
        int leaders = 0, hosted = 0, under = 0, underMin = 0;
        _size.Begin();
        _startOffset.Begin();
        _endOffset.Begin();
        var dirBytes = _replicas.Logs.LogDirs.ToDictionary(d => Path.GetFullPath(d).TrimEnd('/'), _ => 0L);
        foreach (var p in _replicas.All)
        {
            hosted++;
            if (p.IsLeader)
            {
                leaders++;
                int isr = p.Isr.Length;
                if (isr < p.Replicas.Length) under++;
                if (isr < p.MinInsyncReplicas) underMin++;
            }

            string topic = p.Id.Topic, partition = p.Id.Partition.ToString(System.Globalization.CultureInfo.InvariantCulture);
            long size = p.Log.Size;
            _size.Set(size, topic, partition);
            _startOffset.Set(p.Log.LogStartOffset, topic, partition);
            _endOffset.Set(p.Log.LogEndOffset, topic, partition);
            string? dir = Path.GetDirectoryName(Path.GetFullPath(p.Log.Directory));
            if (dir is not null && dirBytes.ContainsKey(dir)) dirBytes[dir] += size;
        }

        _size.End();
        _startOffset.End();
        _endOffset.End();
        _leaders.Set(leaders);
        _partitions.Set(hosted);
        _underReplicated.Set(under);
        _underMinIsr.Set(underMin);
        _isrShrinks.IncTo(_replicas.IsrShrinks);
        _isrExpands.IncTo(_replicas.IsrExpands);

        _dirOffline.Begin();
        _dirSize.Begin();
        foreach (var d in _replicas.Logs.LogDirs)
        {
            _dirOffline.Set(_replicas.Logs.Failures.IsOffline(d) ? 1 : 0, d);
            _dirSize.Set(dirBytes.GetValueOrDefault(Path.GetFullPath(d).TrimEnd('/')), d);
        }

        _dirOffline.End();
        _dirSize.End();

        bool active = _isActiveController();
        _activeController.Set(active ? 1 : 0);
        int offline = 0, partitions = 0, topics = 0;
        if (active)
        {
            foreach (var t in _cluster.Topics)
            {
                topics++;
                foreach (var p in t.Partitions)
                {
                    partitions++;
                    if (p.Leader < 0) offline++;
                }
            }
        }

        _offline.Set(offline);
        _globalPartitions.Set(partitions);
        _globalTopics.Set(topics);
    }
}
