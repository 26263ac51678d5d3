using System.Buffers;
using System.Net;

namespace Broker.Network;

/// <summary>Transport settings. Sizes are bytes.</summary>
public sealed class NetworkOptions
{
    /// <summary>Received bytes that may be buffered before the socket read loop pauses (backpressure).</summary>
    public long InputPauseThreshold { get; init; } = 1024 * 1024;

    /// <summary>Unsent bytes that may be buffered before the application's FlushAsync waits (backpressure).</summary>
    public long OutputPauseThreshold { get; init; } = 4 * 1024 * 1024;

    /// <summary>Socket SO_SNDBUF / SO_RCVBUF; -1 keeps the OS default (Kafka's meaning).</summary>
    public int SendBufferBytes { get; init; } = -1;

    public int ReceiveBufferBytes { get; init; } = -1;

    /// <summary>
    /// Buffers of both connection pipes; one receive or send moves at most one block (<see cref="MemoryPool{T}.MaxBufferSize"/>).
    /// </summary>
    public MemoryPool<byte> MemoryPool { get; init; } = BlockMemoryPool.Connections;

    /// <summary>How long a graceful shutdown waits for connections to finish their request in flight.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A connection with no byte received or sent for this long is closed (Kafka's <c>connections.max.idle.ms</c>).
    /// <see cref="Timeout.InfiniteTimeSpan"/> (or any negative value) never closes idle connections.
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>Connection limits; share one instance between the listeners of a broker so the total is broker-wide.</summary>
    public ConnectionQuotas Quotas { get; init; } = new();

    /// <summary>First pause of the accept loop after accept failed for lack of file descriptors; doubles up to 1 s.</summary>
    public TimeSpan AcceptBackoff { get; init; } = TimeSpan.FromMilliseconds(20);
}

/// <summary>
/// A local endpoint to listen on, with the listener name it belongs to (e.g. PLAINTEXT) and that listener's security
/// protocol; every connection accepted on it carries both (<see cref="ConnectionContext.Listener"/>).
/// </summary>
public sealed record ListenEndpoint(string Name, IPEndPoint EndPoint, string SecurityProtocol = "PLAINTEXT")
{
    public ListenerInfo Listener { get; } = new(Name, SecurityProtocol);
}
