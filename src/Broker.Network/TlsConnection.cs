using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Broker.Network;

/// <summary>
/// A connection on a TLS listener (SSL, SASL_SSL): the TLS handshake first (bounded by
/// <see cref="TlsServerOptions.HandshakeTimeout"/>; a failed handshake closes the connection with a log line and the
/// application never sees it), then the same duplex pipe as <see cref="SocketConnection"/>, fed by reading decrypted
/// bytes from an <see cref="SslStream"/> and drained by writing to it. TLS needs the bytes copied through the cipher
/// anyway, so the stream costs no extra copy over the plain socket path. Backpressure and close signals behave as in
/// <see cref="SocketConnection"/>; the peer's certificate subject becomes <see cref="ConnectionContext.Principal"/>.
/// </summary>
internal sealed class TlsConnection : ConnectionContext, IDuplexPipe, IAcceptedConnection
{
    private readonly Socket _socket;
    private readonly SslStream _ssl;
    private readonly TlsServerOptions _tls;
    private readonly Pipe _input;
    private readonly Pipe _output;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _aborted = new();
    private readonly CancellationTokenSource _closed = new();
    private int _abortedFlag;
    private long _lastActivityMs = Environment.TickCount64;

    public TlsConnection(long id, Socket socket, ListenerInfo listener, TlsServerOptions tls, NetworkOptions options, CancellationToken shutdown, ILogger logger)
    {
        Id = id;
        Listener = listener;
        _socket = socket;
        _tls = tls;
        _logger = logger;
        _ssl = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
        ShutdownRequested = shutdown;
        Closed = _closed.Token;
        RemoteEndPoint = socket.RemoteEndPoint;
        LocalEndPoint = socket.LocalEndPoint;
        var pool = options.MemoryPool;
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

    public long LastActivityMs => Volatile.Read(ref _lastActivityMs);

    PipeReader IDuplexPipe.Input => _input.Reader;

    PipeWriter IDuplexPipe.Output => _output.Writer;

    public async Task RunAsync(IConnectionHandler handler)
    {
        if (await HandshakeAsync().ConfigureAwait(false))
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
                await _output.Writer.CompleteAsync().ConfigureAwait(false);
                await _input.Reader.CompleteAsync().ConfigureAwait(false);
            }

            await send.ConfigureAwait(false);
            Abort("connection finished");
            await receive.ConfigureAwait(false);
        }
        else
        {
            Abort("TLS handshake failed");
        }

        await _ssl.DisposeAsync().ConfigureAwait(false);
        _socket.Dispose();
        _aborted.Dispose();
    }

    /// <summary>Runs the TLS handshake; false (logged) when it fails or times out. Sets the principal on success.</summary>
    private async Task<bool> HandshakeAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_aborted.Token, ShutdownRequested);
        timeout.CancelAfter(_tls.HandshakeTimeout);
        try
        {
            await _ssl.AuthenticateAsServerAsync(_tls.ToSslOptions(), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException or SocketException
                                       or ObjectDisposedException or System.ComponentModel.Win32Exception)
        {
            string reason = ex is OperationCanceledException ? $"not completed within {_tls.HandshakeTimeout.TotalSeconds:0.#} s" : Describe(ex);
            NetworkLog.TlsHandshakeFailed(_logger, Id, RemoteDisplay, Listener.Name, reason);
            return false;
        }

        Volatile.Write(ref _lastActivityMs, Environment.TickCount64);
        if (_ssl.RemoteCertificate is { } certificate)
        {
            using var x509 = new X509Certificate2(certificate);
            Principal = KafkaPrincipal.FromCertificate(x509);
            NetworkLog.TlsClientCertificate(_logger, Id, RemoteDisplay, Listener.Name, Principal);
        }

        NetworkLog.TlsEstablished(_logger, Id, RemoteDisplay, Listener.Name, _ssl.SslProtocol.ToString(), _ssl.NegotiatedCipherSuite.ToString(), Principal);
        return true;
    }

    private static string Describe(Exception ex)
    {
        var messages = new List<string>();
        for (var e = ex; e is not null; e = e.InnerException) messages.Add(e.Message);
        return string.Join(": ", messages.Distinct());
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
                var memory = writer.GetMemory();
                int read = await _ssl.ReadAsync(memory, _aborted.Token).ConfigureAwait(false);
                if (read == 0) break;
                Volatile.Write(ref _lastActivityMs, Environment.TickCount64);
                writer.Advance(read);
                var flush = await writer.FlushAsync().ConfigureAwait(false);
                if (flush.IsCompleted || flush.IsCanceled) break;
            }
        }
        catch (OperationCanceledException) { }
        catch (IOException) { } // reset, or bad TLS records from the peer: the connection is over either way
        catch (ObjectDisposedException) { }
        catch (Exception ex) { error = ex; }
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
                foreach (var segment in result.Buffer)
                    await _ssl.WriteAsync(segment, _aborted.Token).ConfigureAwait(false);
                await _ssl.FlushAsync(_aborted.Token).ConfigureAwait(false);
                Volatile.Write(ref _lastActivityMs, Environment.TickCount64);
                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted) break;
            }
        }
        catch (OperationCanceledException) { }
        catch (IOException) { }
        catch (ObjectDisposedException) { }
        catch (InvalidOperationException) { }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            _input.Writer.CancelPendingFlush();
        }
    }

    private void SignalClosed()
    {
        try { _closed.Cancel(); } catch (ObjectDisposedException) { } catch (AggregateException ex) { NetworkLog.ClosedCallbackFailed(_logger, Id, ex); }
    }
}
