using System.Collections.Concurrent;

namespace Broker.ZooKeeper.Tests;

/// <summary>A watch callback that records every event it receives, in delivery order.</summary>
internal sealed class WatchRecorder
{
    private readonly ConcurrentQueue<WatchedEvent> _events = new();

    public IReadOnlyList<WatchedEvent> Events => [.. _events];

    public Task OnEvent(WatchedEvent watchedEvent)
    {
        _events.Enqueue(watchedEvent);
        return Task.CompletedTask;
    }

    public Task WaitForCountAsync(int count) =>
        Eventually.UntilAsync(() => _events.Count >= count, $"{count} watch event(s) arrive (have {_events.Count})");
}
