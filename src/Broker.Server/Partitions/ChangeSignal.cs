namespace Broker.Server.Partitions;

/// <summary>
/// Wakes waiters when something changes (a partition received data). Lock-free; any thread may wait or notify.
/// A waiter must take the task from <see cref="WaitAsync"/> BEFORE it checks for data, so a notification between
/// the check and the wait is never missed. Costs nothing when nobody waits.
/// </summary>
public sealed class ChangeSignal
{
    private TaskCompletionSource? _waiters;

    public Task WaitAsync()
    {
        var current = Volatile.Read(ref _waiters);
        if (current is not null) return current.Task;
        var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return (Interlocked.CompareExchange(ref _waiters, created, null) ?? created).Task;
    }

    public void Notify()
    {
        if (Volatile.Read(ref _waiters) is null) return;
        Interlocked.Exchange(ref _waiters, null)?.TrySetResult();
    }
}
