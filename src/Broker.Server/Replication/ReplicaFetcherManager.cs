using Broker.Server.Cluster;
using Broker.Server.Configuration;
using Broker.Server.Partitions;
using Broker.Storage;
using Microsoft.Extensions.Logging;

namespace Broker.Server.Replication;

/// <summary>
/// Keeps one <see cref="ReplicaFetcher"/> per leader broker and moves follower partitions between them as
/// leadership changes (Kafka's ReplicaFetcherManager with num.replica.fetchers = 1). Called from the cluster
/// metadata loop; thread-safe by a lock around the fetcher table.
/// </summary>
public sealed class ReplicaFetcherManager : IAsyncDisposable
{
    private readonly Dictionary<int, ReplicaFetcher> _fetchers = [];
    private readonly object _lock = new();
    private readonly BrokerConfig _config;
    private readonly IClusterMetadata _cluster;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private bool _stopped;

    public ReplicaFetcherManager(BrokerConfig config, IClusterMetadata cluster, TimeProvider time, ILogger<ReplicaFetcherManager> logger)
    {
        _config = config;
        _cluster = cluster;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Makes <paramref name="partition"/> copy from <paramref name="leaderId"/> under <paramref name="leaderEpoch"/>
    /// (restarting with a truncation round when the leader or epoch changed); leader -1 stops fetching it.
    /// </summary>
    public void Follow(Partition partition, int leaderId, int leaderEpoch)
    {
        lock (_lock)
        {
            if (_stopped) return;
            foreach (var (id, fetcher) in _fetchers)
            {
                if (id != leaderId) fetcher.Remove(partition.Id);
            }

            if (leaderId < 0 || leaderId == _config.BrokerId) return;
            if (!_fetchers.TryGetValue(leaderId, out var target))
            {
                target = new ReplicaFetcher(leaderId, _config, Endpoint, _time, _logger);
                _fetchers[leaderId] = target;
            }

            if (!target.IsFollowing(partition, leaderEpoch)) target.Add(partition, leaderEpoch);
        }
    }

    /// <summary>Stops copying <paramref name="id"/> (it became leader, or is no longer hosted).</summary>
    public void Unfollow(TopicPartition id)
    {
        lock (_lock)
        {
            foreach (var fetcher in _fetchers.Values) fetcher.Remove(id);
        }
    }

    private BrokerNode? Endpoint(int brokerId) => _cluster.Brokers.FirstOrDefault(b => b.Id == brokerId);

    public async ValueTask DisposeAsync()
    {
        ReplicaFetcher[] all;
        lock (_lock)
        {
            _stopped = true;
            all = [.. _fetchers.Values];
            _fetchers.Clear();
        }

        foreach (var f in all) await f.DisposeAsync().ConfigureAwait(false);
    }
}
