using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Cluster;
using Broker.Server.Producers;
using Broker.Server.Transactions;

namespace Broker.Server.Tests.Transactions;

/// <summary>__transaction_state in memory: every partition led locally; batches kept per partition. Thread-safe.</summary>
internal sealed class InMemoryTransactionStateTopic : ITransactionStateTopic
{
    private readonly Lock _lock = new();
    private readonly Dictionary<int, List<byte[]>> _batches = [];

    public int PartitionCount { get; init; } = 50;

    public bool Exists { get; private set; } = true;

    public event Action<int, bool>? LeadershipChanged;

    public Task<(ErrorCode Error, bool CreatedNow)> EnsureCreatedAsync() => Task.FromResult((ErrorCode.None, false));

    public BrokerNode? LeaderOf(int partition) => new(0, "localhost", 9092);

    public int LeaderEpochOf(int partition) => 3;

    public bool IsLocalLeader(int partition) => true;

    public ValueTask<ErrorCode> AppendAsync(int partition, byte[] batch)
    {
        lock (_lock)
        {
            if (!_batches.TryGetValue(partition, out var list)) _batches[partition] = list = [];
            list.Add(batch.ToArray());
        }

        return ValueTask.FromResult(ErrorCode.None);
    }

    public IEnumerable<ReadOnlyMemory<byte>> ReadAll(int partition)
    {
        List<byte[]> copy;
        lock (_lock) copy = _batches.TryGetValue(partition, out var list) ? [.. list] : [];
        foreach (var b in copy) yield return b;
    }

    public bool PartitionExists(string topic, int partition) => true;

    public void RaiseLeadership(int partition, bool leads) => LeadershipChanged?.Invoke(partition, leads);
}

/// <summary>Answers every marker with <see cref="Answer"/> and records what was sent. Thread-safe.</summary>
internal sealed class RecordingMarkerChannel : ITxnMarkerChannel
{
    private readonly Lock _lock = new();
    private readonly List<(int Broker, WriteTxnMarkersRequest Request)> _sent = [];

    public ErrorCode Answer { get; set; } = ErrorCode.None;

    public IReadOnlyList<(int Broker, WriteTxnMarkersRequest Request)> Sent
    {
        get
        {
            lock (_lock) return [.. _sent];
        }
    }

    public Task<WriteTxnMarkersResponse> SendAsync(int brokerId, WriteTxnMarkersRequest request, CancellationToken ct)
    {
        lock (_lock) _sent.Add((brokerId, request));
        var response = new WriteTxnMarkersResponse();
        foreach (var m in request.Markers)
        {
            var r = new WriteTxnMarkersResponse.WritableTxnMarkerResult { ProducerId = m.ProducerId };
            foreach (var t in m.Topics)
            {
                var tr = new WriteTxnMarkersResponse.WritableTxnMarkerTopicResult { Name = t.Name };
                foreach (int p in t.PartitionIndexes)
                    tr.Partitions.Add(new WriteTxnMarkersResponse.WritableTxnMarkerPartitionResult { PartitionIndex = p, ErrorCode = (short)Answer });
                r.Topics.Add(tr);
            }

            response.Markers.Add(r);
        }

        return Task.FromResult(response);
    }
}

/// <summary>A cluster of one broker (id 0) with the named topics, each led by broker 0.</summary>
internal sealed class StaticCluster(params (string Name, int Partitions)[] topics) : IClusterMetadata
{
    public string ClusterId => "test";

    public int ControllerId => 0;

    public int LocalBrokerId => 0;

    public IReadOnlyList<BrokerNode> Brokers { get; } = [new BrokerNode(0, "localhost", 9092)];

    public IReadOnlyCollection<TopicInfo> Topics { get; } = topics.Select(t => new TopicInfo(t.Name, KafkaUuid.Zero,
        Enumerable.Range(0, t.Partitions).Select(p => new PartitionInfo(p, 0, 1, [0], [0])).ToList(), false)).ToList();

    public bool TryGetTopic(string name, out TopicInfo topic)
    {
        topic = Topics.FirstOrDefault(t => t.Name == name)!;
        return topic is not null;
    }

    public bool TryGetTopic(KafkaUuid id, out TopicInfo topic)
    {
        topic = null!;
        return false;
    }
}

internal sealed class SequentialAllocator(long start = 1000) : IProducerIdAllocator
{
    private long _next = start;

    public ValueTask<long> NextAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Interlocked.Increment(ref _next) - 1);
}
