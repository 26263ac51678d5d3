using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Broker.ZooKeeper.Watches;

/// <summary>
/// Runs user callbacks (watch events, state changes, session re-establishment) one at a time on a single
/// background task, in the order they were queued. A callback's failure is logged and does not stop later ones.
/// Callbacks may await client operations (replies are processed elsewhere) but must not wait for a later event.
/// </summary>
internal sealed class EventDispatcher
{
    private static readonly AsyncLocal<bool> s_onDispatcher = new();

    private readonly Channel<Func<Task>> _queue = Channel.CreateUnbounded<Func<Task>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ILogger _logger;
    private readonly Task _loop;

    public EventDispatcher(ILogger logger)
    {
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>True when the caller is running inside a dispatched callback.</summary>
    public static bool IsOnDispatcher => s_onDispatcher.Value;

    public void Enqueue(Func<Task> callback) => _queue.Writer.TryWrite(callback);

    /// <summary>Lets queued callbacks finish, then stops. Does not wait when called from a callback.</summary>
    public Task CompleteAsync()
    {
        _queue.Writer.TryComplete();
        return IsOnDispatcher ? Task.CompletedTask : _loop;
    }

    private async Task RunAsync()
    {
        s_onDispatcher.Value = true;
        await foreach (var callback in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await callback().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                ZooKeeperLog.CallbackFailed(_logger, e);
            }
        }
    }
}
