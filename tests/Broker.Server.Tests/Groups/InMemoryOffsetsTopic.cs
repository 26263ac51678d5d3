using Broker.Protocol;
using Broker.Protocol.Records;
using Broker.Server.Cluster;
using Broker.Server.Groups;

namespace Broker.Server.Tests.Groups;

/// <summary>An offsets topic in memory: every partition led locally; batches kept per partition. Thread-safe.</summary>
internal sealed class InMemoryOffsetsTopic : IOffsetsTopic
{
    private readonly Lock _lock = new();
    private readonly Dictionary<int, List<byte[]>> _batches = [];

    public int PartitionCount { get; init; } = 50;

    public bool Exists { get; private set; }

    /// <summary>When set, ReadAll waits on it (to observe COORDINATOR_LOAD_IN_PROGRESS).</summary>
    public ManualResetEventSlim? ReadGate { get; set; }

    /// <summary>
    /// When set, every append stores its batch (the write is ordered at call time, as the contract says) and then
    /// answers what this returns: a pending task holds the acknowledgement back, an error fails the append.
    /// </summary>
    public Func<ValueTask<ErrorCode>>? AppendOutcome { get; set; }

    private readonly Queue<SlowRead> _slowReads = new();

    /// <summary>The next ReadAll call (of any partition) blocks, once entered, until the returned read is released.</summary>
    public SlowRead NextReadIsSlow()
    {
        var read = new SlowRead();
        lock (_lock) _slowReads.Enqueue(read);
        return read;
    }

#pragma warning disable CS0067 // the in-memory topic never changes leadership
    public event Action<int, bool>? LeadershipChanged;
#pragma warning restore CS0067

    public Task<(ErrorCode Error, bool CreatedNow)> EnsureCreatedAsync()
    {
        bool createdNow = !Exists;
        Exists = true;
        return Task.FromResult((ErrorCode.None, createdNow));
    }

    public BrokerNode? LeaderOf(int partition) => Exists ? new BrokerNode(0, "localhost", 9092) : null;

    public bool IsLocalLeader(int partition) => Exists;

    public ValueTask<ErrorCode> AppendAsync(int partition, byte[] batch)
    {
        lock (_lock)
        {
            if (!_batches.TryGetValue(partition, out var list)) _batches[partition] = list = [];
            list.Add(batch.ToArray());
        }

        return AppendOutcome?.Invoke() ?? ValueTask.FromResult(ErrorCode.None);
    }

    public IEnumerable<ReadOnlyMemory<byte>> ReadAll(int partition)
    {
        ReadGate?.Wait(TimeSpan.FromSeconds(30));
        SlowRead? slow;
        lock (_lock) slow = _slowReads.TryDequeue(out var next) ? next : null;
        List<byte[]> copy;
        lock (_lock) copy = _batches.TryGetValue(partition, out var list) ? [.. list] : [];
        if (slow is not null)
        {
            // The data was taken before the pause, as a real replay would have read it.
            slow.Entered.SetResult();
            slow.Release.Wait(TimeSpan.FromSeconds(30));
        }

        foreach (var b in copy) yield return b;
    }

    public bool PartitionExists(string topic, int partition) => topic != "missing";

    /// <summary>Every record of a partition as (key, value-or-null).</summary>
    public List<(byte[] Key, byte[]? Value)> Records(int partition)
    {
        var result = new List<(byte[], byte[]?)>();
        foreach (var batch in ReadAll(partition))
        {
            var reader = new RecordReader(batch.Span);
            while (reader.TryReadNext(out var r)) result.Add((r.Key.ToArray(), r.ValueIsNull ? null : r.Value.ToArray()));
        }

        return result;
    }
}

/// <summary>A read of the offsets topic that pauses until released (a slow load).</summary>
internal sealed class SlowRead
{
    /// <summary>Completes when the read has taken its data and starts waiting.</summary>
    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ManualResetEventSlim Release { get; } = new();
}
