namespace Broker.Network;

/// <summary>What the listener needs of an accepted connection, whatever its transport (plain socket or TLS).</summary>
internal interface IAcceptedConnection
{
    long Id { get; }

    string RemoteDisplay { get; }

    /// <summary><see cref="Environment.TickCount64"/> of the last byte received or sent; read by the idle sweep.</summary>
    long LastActivityMs { get; }

    /// <summary>Runs the connection to its end; never throws.</summary>
    Task RunAsync(IConnectionHandler handler);

    void Abort(string reason);
}
