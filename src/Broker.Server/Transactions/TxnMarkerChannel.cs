using System.Collections.Concurrent;
using Broker.Protocol.Messages;
using Broker.Server.Cluster;
using Broker.Server.Configuration;
using Broker.Server.Replication;

namespace Broker.Server.Transactions;

/// <summary>
/// <see cref="ITxnMarkerChannel"/> over one <see cref="BrokerClient"/> per destination broker (this broker included:
/// its own partitions get their markers through its own inter-broker listener, one code path for all leaders). Requests
/// to one broker are serialized by a per-broker semaphore; a failed connection is dropped and reopened by the next
/// send. Thread-safe.
/// </summary>
public sealed class TxnMarkerChannel(IClusterMetadata cluster, BrokerConfig config) : ITxnMarkerChannel, IAsyncDisposable
{
    /// <summary>WriteTxnMarkers version sent (v1, flexible; Kafka 3.6 sends the same).</summary>
    public const short Version = 1;

    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<int, Connection> _connections = new();

    public async Task<WriteTxnMarkersResponse> SendAsync(int brokerId, WriteTxnMarkersRequest request, CancellationToken ct)
    {
        var node = cluster.Brokers.FirstOrDefault(b => b.Id == brokerId)
            ?? throw new IOException($"broker {brokerId} is not alive");
        var connection = _connections.GetOrAdd(brokerId, _ => new Connection());
        await connection.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            connection.Client ??= await BrokerClient.ConnectToBrokerAsync(config, brokerId, node.Host, node.Port,
                $"broker-{config.BrokerId}-txn-markers", ConnectTimeout, ct).ConfigureAwait(false);
            try
            {
                return await connection.Client.SendAsync<WriteTxnMarkersResponse>(request, Version, RequestTimeout, ct).ConfigureAwait(false);
            }
            catch
            {
                await connection.Client.DisposeAsync().ConfigureAwait(false);
                connection.Client = null;
                throw;
            }
        }
        finally
        {
            connection.Gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var c in _connections.Values)
        {
            if (c.Client is { } client) await client.DisposeAsync().ConfigureAwait(false);
        }
    }

    private sealed class Connection
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public BrokerClient? Client { get; set; }
    }
}
