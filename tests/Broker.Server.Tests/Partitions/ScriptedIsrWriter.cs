using System.Collections.Concurrent;
using Broker.Server.Partitions;

namespace Broker.Server.Tests.Partitions;

/// <summary>
/// An <see cref="IIsrWriter"/> whose writes wait until the test decides them, over an in-memory model of the
/// partition's state znode (ISR and version): <see cref="Succeed"/> applies the compare-and-set as ZooKeeper would
/// (so the model changes before the partition learns of it, as in production), <see cref="Reject"/> answers a stale
/// version, <see cref="Fail"/> throws as an unreachable ZooKeeper does. Thread-safe.
/// </summary>
internal sealed class ScriptedIsrWriter : IIsrWriter
{
    private readonly ConcurrentQueue<Request> _requests = new();
    private readonly object _lock = new();

    public ScriptedIsrWriter(int[] isr, int version = 0)
    {
        ZkIsr = isr;
        ZkVersion = version;
    }

    /// <summary>The ISR as ZooKeeper holds it (what a controller would elect from).</summary>
    public int[] ZkIsr { get; private set; }

    public int ZkVersion { get; private set; }

    /// <summary>Writes asked for and not decided yet.</summary>
    public int PendingCount => _requests.Count;

    public Task<int?> TryWriteIsrAsync(Partition partition, int leaderEpoch, int[] isr, int expectedVersion, CancellationToken ct)
    {
        var request = new Request(isr, expectedVersion, new TaskCompletionSource<int?>());
        _requests.Enqueue(request);
        return request.Done.Task;
    }

    /// <summary>Waits (bounded) until the partition's background write reached the writer.</summary>
    public void WaitForRequest()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (_requests.IsEmpty)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the partition never wrote its ISR change");
            Thread.Sleep(1);
        }
    }

    /// <summary>Applies the oldest pending write in the model (compare-and-set) and answers it.</summary>
    public int[] Succeed()
    {
        var r = Dequeue();
        int? version;
        lock (_lock)
        {
            if (r.ExpectedVersion != ZkVersion)
            {
                version = null;
            }
            else
            {
                ZkIsr = r.Isr;
                ZkVersion++;
                version = ZkVersion;
            }
        }

        r.Done.SetResult(version);
        return r.Isr;
    }

    /// <summary>Answers the oldest pending write with a stale version (the controller changed the state).</summary>
    public void Reject() => Dequeue().Done.SetResult(null);

    /// <summary>Fails the oldest pending write (ZooKeeper unreachable).</summary>
    public void Fail() => Dequeue().Done.SetException(new IOException("connection loss"));

    private Request Dequeue() => _requests.TryDequeue(out var r) ? r : throw new InvalidOperationException("no pending ISR write");

    private sealed record Request(int[] Isr, int ExpectedVersion, TaskCompletionSource<int?> Done);
}
