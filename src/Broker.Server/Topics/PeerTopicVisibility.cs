using System.Diagnostics;
using System.Net.Sockets;
using Broker.Protocol.Messages;
using Broker.Server.Cluster;
using Broker.Server.Replication;
using Microsoft.Extensions.Logging;

namespace Broker.Server.Topics;

/// <summary>
/// The last step of a topic creation through this broker (CreateTopics with timeout_ms &gt; 0, Metadata's
/// auto-creation, the offsets topic): once this broker's own view shows the new topics with leaders, ask every other
/// live broker's Metadata until it serves them too, so a client that goes from this broker's answer to any other
/// broker (librdkafka's producer then consumer in conformance 0083) never meets UNKNOWN_TOPIC_OR_PARTITION. The
/// controller pushes UpdateMetadata to each broker on its own queue, and a replica gets LeaderAndIsr first, so the
/// brokers publish a new topic some milliseconds apart; Kafka waits only for the receiving broker, we close that window.
/// A peer that cannot be reached (connection refused, timeout) serves no client either and is not waited for.
/// Stateless; each call uses its own connections, one per peer, all peers at once.
/// </summary>
internal static partial class PeerTopicVisibility
{
    private const short MetadataVersion = 9;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan PerRequest = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Waits at most <paramref name="wait"/> until every reachable live broker but this one serves
    /// each of <paramref name="topics"/> with all its partitions led; returns the names some peer still lacked then.
    /// </summary>
    public static async Task<IReadOnlySet<string>> AwaitAsync(IClusterMetadata cluster, Configuration.BrokerConfig config, IReadOnlyList<TopicInfo> topics, TimeSpan wait, ILogger logger)
    {
        int selfId = config.BrokerId;
        var peers = cluster.Brokers.Where(b => b.Id != selfId).ToList();
        if (topics.Count == 0 || peers.Count == 0 || wait <= TimeSpan.Zero) return new HashSet<string>();
        var deadline = Stopwatch.GetTimestamp() + (long)(wait.TotalSeconds * Stopwatch.Frequency);
        var lacking = await Task.WhenAll(peers.Select(p => AwaitPeerAsync(p, config, topics, deadline, logger))).ConfigureAwait(false);
        return lacking.SelectMany(l => l).ToHashSet(StringComparer.Ordinal);
    }

    private static async Task<IReadOnlyList<string>> AwaitPeerAsync(BrokerNode peer, Configuration.BrokerConfig config, IReadOnlyList<TopicInfo> topics, long deadline, ILogger logger)
    {
        var remaining = topics.ToList();
        BrokerClient? client = null;
        try
        {
            client = await BrokerClient.ConnectToBrokerAsync(config, peer.Id, peer.Host, peer.Port, $"broker-{config.BrokerId}-topic-visibility", Bounded(deadline), CancellationToken.None).ConfigureAwait(false);
            while (true)
            {
                var request = new MetadataRequest
                {
                    Topics = remaining.Select(t => new MetadataRequest.RequestTopic { Name = t.Name }).ToList(),
                    AllowAutoTopicCreation = false,
                };
                var response = await client.SendAsync<MetadataResponse>(request, MetadataVersion, Bounded(deadline), CancellationToken.None).ConfigureAwait(false);
                remaining.RemoveAll(t => Serves(response, t));
                if (remaining.Count == 0) return [];
                if (Stopwatch.GetTimestamp() >= deadline)
                {
                    LogPeerLags(logger, peer.Id, string.Join(", ", remaining.Select(t => t.Name)));
                    return remaining.Select(t => t.Name).ToList();
                }

                await Task.Delay(PollInterval).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or TimeoutException or OperationCanceledException)
        {
            LogPeerUnreachable(logger, peer.Id, e.Message);
            return [];
        }
        finally
        {
            if (client is not null) await client.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static bool Serves(MetadataResponse response, TopicInfo topic) =>
        response.Topics.FirstOrDefault(t => t.Name == topic.Name) is { ErrorCode: 0 } t
        && t.Partitions.Count == topic.Partitions.Count
        && t.Partitions.All(p => p.LeaderId >= 0);

    private static TimeSpan Bounded(long deadline)
    {
        var left = TimeSpan.FromSeconds((double)(deadline - Stopwatch.GetTimestamp()) / Stopwatch.Frequency);
        return left < TimeSpan.FromMilliseconds(100) ? TimeSpan.FromMilliseconds(100) : left > PerRequest ? PerRequest : left;
    }

    [LoggerMessage(3000, LogLevel.Warning, "Broker {Peer} does not serve new topic(s) {Topics} yet, though this broker does; answering REQUEST_TIMED_OUT for them")]
    private static partial void LogPeerLags(ILogger logger, int peer, string topics);

    [LoggerMessage(3001, LogLevel.Information, "Broker {Peer} not reachable to confirm a new topic is served there ({Reason}); not waiting for it")]
    private static partial void LogPeerUnreachable(ILogger logger, int peer, string reason);
}
