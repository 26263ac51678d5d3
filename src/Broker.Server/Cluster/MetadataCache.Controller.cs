namespace Broker.Server.Cluster;

// The controller id learned from the /controller watch (controller election), between UpdateMetadata requests.
public sealed partial class MetadataCache
{
    /// <summary>Replaces the controller id only (the rest of the view is unchanged).</summary>
    public void SetControllerId(int controllerId)
    {
        lock (_writeLock)
        {
            if (_snapshot.ControllerId == controllerId) return;
            _snapshot = _snapshot with { ControllerId = controllerId };
        }

        Published.Notify();
    }
}
