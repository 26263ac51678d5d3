using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Broker.Network;

/// <summary>
/// Turns one socket into a duplex pipe: <see cref="DoReceiveAsync"/> fills the input pipe, <see cref="DoSendAsync"/>
/// drains the output pipe. Socket errors complete the pipes; they never throw upward.
/// Backpressure: when the application does not read, the input pipe's pause threshold makes FlushAsync wait, so the
/// receive loop stops reading and TCP flow control pushes back on the peer.
/// </summary>
internal sealed partial class SocketConnection : ConnectionContext, IDuplexPipe
{
    private readonly Socket _socket;
    private readonly Pipe _input;
    private readonly Pipe _output;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _aborted = new();
    private readonly CancellationTokenSource _closed = new();
    private int _abortedFlag;
    private long _lastActivityMs = Environment.TickCount64;

    public SocketConnection(long id, Socket socket, ListenerInfo listener, NetworkOptions options, CancellationToken shutdown, ILogger logger)
    {
        Id = id;
        Listener = listener;
        _socket = socket;
        _logger = logger;
        ShutdownRequested = shutdown;
        Closed = _closed.Token;
        RemoteEndPoint = socket.RemoteEndPoint;
        LocalEndPoint = socket.LocalEndPoint;
        var pool = options.MemoryPool;
        // Inline reader schedulers: the application's frame loop runs on the receive completion and the send loop runs
        // on the application's flush, so a request costs no thread-pool hop between the socket and the handler.
        // Writers (resumed after backpressure) stay on the thread pool so a resumed loop never runs on the other's stack.
        _input = new Pipe(new PipeOptions(
            pool: pool,
            readerScheduler: PipeScheduler.Inline,
            pauseWriterThreshold: options.InputPauseThreshold,
            resumeWriterThreshold: options.InputPauseThreshold / 2,
            minimumSegmentSize: pool.MaxBufferSize,
            useSynchronizationContext: false));
        _output = new Pipe(new PipeOptions(
            pool: pool,
            readerScheduler: PipeScheduler.Inline,
            pauseWriterThreshold: options.OutputPauseThreshold,
            resumeWriterThreshold: options.OutputPauseThreshold / 2,
            minimumSegmentSize: pool.MaxBufferSize,
            useSynchronizationContext: false));
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

    /// <summary>Runs both loops and the application; returns when all three are done and the socket is closed.</summary>
    public async Task RunAsync(IConnectionHandler handler)
    {
        var receive = DoReceiveAsync();
        var send = DoSendAsync();
        try
        {
            await handler.OnConnectedAsync(this).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            NetworkLog.HandlerFailed(_logger, Id, RemoteDisplay, ex);
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
        _socket.Dispose();
        _aborted.Dispose();
        // _closed is not disposed: its token was handed out and may still be registered on by late observers.
    }

    public override void Abort(string reason)
    {
        if (Interlocked.Exchange(ref _abortedFlag, 1) != 0) return;
        NetworkLog.ConnectionClosing(_logger, Id, RemoteDisplay, reason);
        try { _socket.Shutdown(SocketShutdown.Both); } catch (SocketException) { } catch (ObjectDisposedException) { }
        _socket.Close();
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
                // One whole pool block per receive: a 1 MiB request takes ~16 recv calls with 64 KiB blocks.
                var memory = writer.GetMemory();
                int read = await _socket.ReceiveAsync(memory, SocketFlags.None, _aborted.Token).ConfigureAwait(false);
                if (read == 0) break; // peer closed its side
                Volatile.Write(ref _lastActivityMs, Environment.TickCount64);
                writer.Advance(read);
                var flush = await writer.FlushAsync().ConfigureAwait(false);
                if (flush.IsCompleted || flush.IsCanceled) break;
            }
        }
        catch (OperationCanceledException) { }
        catch (SocketException ex) when (IsConnectionReset(ex)) { }
        catch (ObjectDisposedException) { }
        catch (Exception ex) { error = ex; }
        // The peer is gone (or we aborted): whatever waits on its behalf can stop now. Requests already buffered are
        // still read by the application, but nothing will park for long on a connection nobody listens to.
        SignalClosed();
        await writer.CompleteAsync(error).ConfigureAwait(false);
    }

    private void SignalClosed()
    {
        try { _closed.Cancel(); } catch (ObjectDisposedException) { } catch (AggregateException ex) { NetworkLog.ClosedCallbackFailed(_logger, Id, ex); }
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
                var buffer = result.Buffer;
                foreach (var segment in buffer)
                {
                    var remaining = segment;
                    while (!remaining.IsEmpty)
                    {
                        int sent = await _socket.SendAsync(remaining, SocketFlags.None, _aborted.Token).ConfigureAwait(false);
                        Volatile.Write(ref _lastActivityMs, Environment.TickCount64);
                        remaining = remaining[sent..];
                    }
                }

                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted) break;
            }
        }
        catch (OperationCanceledException) { }
        catch (SocketException) { }
        catch (ObjectDisposedException) { }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            // Unblock the application if it is waiting to write to a peer that is gone.
            _input.Writer.CancelPendingFlush();
        }
    }

    private static bool IsConnectionReset(SocketException ex) =>
        ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown
            or SocketError.OperationAborted or SocketError.Interrupted;
}
