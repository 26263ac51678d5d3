using System.IO.Pipelines;
using System.Net;
using Broker.Network;

namespace Broker.Server.Tests.InMemory;

/// <summary>
/// A connection whose transport is two in-memory pipes instead of a socket, so the real frame loop
/// (<see cref="Broker.Server.Requests.KafkaConnectionHandler"/>) can be driven without the network. Abort completes
/// both pipes the way a closed socket would: the frame loop's pending read ends and the client sees end of stream.
/// </summary>
internal sealed class InMemoryConnection : ConnectionContext
{
    private readonly Pipe _toBroker;
    private readonly Pipe _fromBroker;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly CancellationTokenSource _closed = new();

    public InMemoryConnection(long id, Pipe toBroker, Pipe fromBroker)
    {
        Id = id;
        _toBroker = toBroker;
        _fromBroker = fromBroker;
        Transport = new DuplexPipe(toBroker.Reader, fromBroker.Writer);
    }

    public override long Id { get; }

    public override EndPoint? RemoteEndPoint { get; } = new IPEndPoint(IPAddress.Loopback, 50_000);

    public override EndPoint? LocalEndPoint { get; } = new IPEndPoint(IPAddress.Loopback, 9092);

    public override IDuplexPipe Transport { get; }

    public override CancellationToken ShutdownRequested => _shutdown.Token;

    public override CancellationToken Closed => _closed.Token;

    /// <summary>Why the broker closed this connection, or null while it is open.</summary>
    public string? AbortReason { get; private set; }

    public override void Abort(string reason)
    {
        AbortReason ??= reason;
        _toBroker.Reader.CancelPendingRead();
        _fromBroker.Writer.Complete();
        _closed.Cancel();
    }

    /// <summary>The client went away: what the socket transport signals when the peer closes.</summary>
    public void PeerClosed() => _closed.Cancel();

    /// <summary>A graceful broker shutdown: the frame loop finishes the request in flight and returns.</summary>
    public void RequestShutdown() => _shutdown.Cancel();

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
