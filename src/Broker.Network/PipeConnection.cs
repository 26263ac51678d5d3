using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Broker.Network;

/// <summary>
/// One accepted socket as a duplex pipe, whatever carries the bytes: a receive loop fills the input pipe, a send loop
/// drains the output pipe, and the application runs between them. Subclasses say only how bytes are read and written
/// (<see cref="SocketConnection"/>: the socket itself; <see cref="TlsConnection"/>: an SslStream over it) and what may
/// happen before the application starts (the TLS handshake). Transport errors complete the pipes; they never throw
/// upward.
/// Backpressure: when the application does not read, the input pipe's pause threshold makes FlushAsync wait, so the
/// receive loop stops reading and TCP flow control pushes back on the peer.
/// Thread-safety: <see cref="Abort"/> and <see cref="LastActivityMs"/> may be called from any thread; the loops are
/// the pipes' only writers.
/// </summary>
internal abstract class PipeConnection : ConnectionContext, IDuplexPipe, IAcceptedConnection
{
    private readonly Pipe _input;
    private readonly Pipe _output;
    private readonly CancellationTokenSource _aborted = new();
    private readonly CancellationTokenSource _closed = new();
    private int _abortedFlag;
    private long _lastActivityMs = Environment.TickCount64;

    protected PipeConnection(long id, Socket socket, ListenerInfo listener, NetworkOptions options, CancellationToken shutdown, ILogger logger)
    {
        Id = id;
        Listener = listener;
        Socket = socket;
        Logger = logger;
        ShutdownRequested = shutdown;
        Closed = _closed.Token;
        RemoteEndPoint = socket.RemoteEndPoint;
        LocalEndPoint = socket.LocalEndPoint;
        var pool = options.MemoryPool;
        // Inline reader schedulers: the application's frame loop runs on the receive completion and the send loop runs
        // on the application's flush, so a request costs no thread-pool hop between the socket and the handler.
        // Writers (resumed after backpressure) stay on the thread pool so a resumed loop never runs on the other's stack.
        _input = new Pipe(new PipeOptions(pool, PipeScheduler.Inline, PipeScheduler.ThreadPool, options.InputPauseThreshold,
            options.InputPauseThreshold / 2, pool.MaxBufferSize, useSynchronizationContext: false));
        _output = new Pipe(new PipeOptions(pool, PipeScheduler.Inline, PipeScheduler.ThreadPool, options.OutputPauseThreshold,
            options.OutputPauseThreshold / 2, pool.MaxBufferSize, useSynchronizationContext: false));
    }

    public override long Id { get; }

    public override ListenerInfo Listener { get; }

    public override EndPoint? RemoteEndPoint { get; }

    public override EndPoint? LocalEndPoint { get; }

    public override IDuplexPipe Transport => this;

    public override CancellationToken ShutdownRequested { get; }

    public override CancellationToken Closed { get; }

    /// <summary>
    /// <see cref="Environment.TickCount64"/> of the last byte received or sent (Kafka's idle clock: any traffic counts).
    /// Read by the listener's idle sweep from another thread.
    /// </summary>
    public long LastActivityMs => Volatile.Read(ref _lastActivityMs);

    PipeReader IDuplexPipe.Input => _input.Reader;

    PipeWriter IDuplexPipe.Output => _output.Writer;

    protected Socket Socket { get; }

    protected ILogger Logger { get; }

    /// <summary>Cancelled by <see cref="Abort"/>: ends every pending transport read or write.</summary>
    protected CancellationToken Aborted => _aborted.Token;

    /// <summary>Runs before the application; false ends the connection with <paramref name="failure"/> as the reason.</summary>
    protected virtual ValueTask<(bool Opened, string? Failure)> OpenAsync() => ValueTask.FromResult<(bool, string?)>((true, null));

    /// <summary>Reads at most <paramref name="buffer"/>'s length; 0 when the peer closed its side.</summary>
    protected abstract ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>Writes every byte of <paramref name="buffer"/>.</summary>
    protected abstract ValueTask SendAsync(ReadOnlySequence<byte> buffer, CancellationToken cancellationToken);

    /// <summary>
    /// A transport error that only means the peer or the connection is gone. Receiving, anything else completes the
    /// input pipe with the error (the application sees it); sending, anything else faults the connection's run.
    /// </summary>
    protected abstract bool IsPeerGone(Exception error, bool sending);

    /// <summary>Releases what the subclass layered over the socket (the socket itself is disposed afterwards).</summary>
    protected virtual ValueTask DisposeTransportAsync() => default;

    protected void MarkActivity() => Volatile.Write(ref _lastActivityMs, Environment.TickCount64);

    /// <summary>Runs both loops and the application; returns when all three are done and the socket is closed.</summary>
    public async Task RunAsync(IConnectionHandler handler)
    {
        var (opened, failure) = await OpenAsync().ConfigureAwait(false);
        if (opened)
        {
            var receive = DoReceiveAsync();
            var send = DoSendAsync();
            try
            {
                await handler.OnConnectedAsync(this).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                NetworkLog.HandlerFailed(Logger, Id, RemoteDisplay, ex);
            }
            finally
            {
                // The application is done: let the sender drain what was written, then stop receiving.
                await _output.Writer.CompleteAsync().ConfigureAwait(false);
                await _input.Reader.CompleteAsync().ConfigureAwait(false);
            }

            await send.ConfigureAwait(false);
            Abort("connection finished");
            await receive.ConfigureAwait(false);
        }
        else
        {
            Abort(failure ?? "connection not opened");
        }

        await DisposeTransportAsync().ConfigureAwait(false);
        Socket.Dispose();
        _aborted.Dispose();
        // _closed is not disposed: its token was handed out and may still be registered on by late observers.
    }

    public override void Abort(string reason)
    {
        if (Interlocked.Exchange(ref _abortedFlag, 1) != 0) return;
        NetworkLog.ConnectionClosing(Logger, Id, RemoteDisplay, reason);
        try { Socket.Shutdown(SocketShutdown.Both); } catch (SocketException) { } catch (ObjectDisposedException) { }
        Socket.Close();
        try { _aborted.Cancel(); } catch (ObjectDisposedException) { }
        SignalClosed();
        _output.Reader.CancelPendingRead();
    }

    private async Task DoReceiveAsync()
    {
        var writer = _input.Writer;
        Exception? error = null;
        try
        {
            while (true)
            {
                // One whole pool block per receive: a 1 MiB request takes ~16 reads with 64 KiB blocks.
                var memory = writer.GetMemory();
                int read = await ReceiveAsync(memory, _aborted.Token).ConfigureAwait(false);
                if (read == 0) break; // peer closed its side
                MarkActivity();
                writer.Advance(read);
                var flush = await writer.FlushAsync().ConfigureAwait(false);
                if (flush.IsCompleted || flush.IsCanceled) break;
            }
        }
        catch (OperationCanceledException) { }
        catch (ObjectDisposedException) { }
        catch (Exception ex) when (IsPeerGone(ex, sending: false)) { }
        catch (Exception ex) { error = ex; }
        // The peer is gone (or we aborted): whatever waits on its behalf can stop now. Requests already buffered are
        // still read by the application, but nothing will park for long on a connection nobody listens to.
        SignalClosed();
        await writer.CompleteAsync(error).ConfigureAwait(false);
    }

    private async Task DoSendAsync()
    {
        var reader = _output.Reader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                if (result.IsCanceled) break;
                await SendAsync(result.Buffer, _aborted.Token).ConfigureAwait(false);
                MarkActivity();
                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted) break;
            }
        }
        catch (OperationCanceledException) { }
        catch (ObjectDisposedException) { }
        catch (Exception ex) when (IsPeerGone(ex, sending: true)) { }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            // Unblock the application if it is waiting to write to a peer that is gone.
            _input.Writer.CancelPendingFlush();
        }
    }

    private void SignalClosed()
    {
        try { _closed.Cancel(); } catch (ObjectDisposedException) { } catch (AggregateException ex) { NetworkLog.ClosedCallbackFailed(Logger, Id, ex); }
    }
}
