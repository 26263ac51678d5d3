using Broker.ZooKeeper;

namespace Broker.Server.Cluster;

// Following /controller (a controller-election watch, which every broker holds as a controller candidate anyway).
public sealed partial class ZkClusterMetadata
{
    private readonly SemaphoreSlim _controllerReads = new(1, 1);
    private Func<WatchedEvent, Task>? _onController;

    /// <summary>
    /// Reads <c>/controller</c> with a watch and publishes its broker id. Kafka's brokers learn the controller from
    /// UpdateMetadata only; we also follow the election node (one read per election) because the new controller's
    /// first UpdateMetadata trails the election, and clients that asked in between (librdkafka's admin client) keep
    /// waiting for the dead controller instead of asking again. Reads run one at a time, so the last one wins.
    /// </summary>
    private async Task FollowControllerAsync()
    {
        _onController ??= new Func<WatchedEvent, Task>(w =>
        {
            _ = FollowControllerAsync();
            return Task.CompletedTask;
        });
        try
        {
            await _controllerReads.WaitAsync(_stop.Token).ConfigureAwait(false);
            try
            {
                _cache.SetControllerId(await _store.GetControllerIdAsync(_onController, _stop.Token).ConfigureAwait(false));
            }
            finally
            {
                _controllerReads.Release();
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        catch (Exception ex)
        {
            LogRefreshFailed(ex.Message);
            RequestRefresh(); // the session came back or will: the refresh reads /controller again
        }
    }
}
