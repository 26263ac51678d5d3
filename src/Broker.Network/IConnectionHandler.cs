namespace Broker.Network;

/// <summary>
/// Application protocol plugged into the transport. The network layer knows nothing of what flows through the pipes;
/// it only hands each accepted connection to the handler and tears the connection down when the handler returns.
/// </summary>
public interface IConnectionHandler
{
    /// <summary>
    /// Runs the whole life of one connection. Called once per connection on a thread-pool thread.
    /// Must not throw for protocol faults (close the connection instead); an exception is logged and the connection
    /// is aborted, other connections are unaffected.
    /// </summary>
    Task OnConnectedAsync(ConnectionContext connection);
}
