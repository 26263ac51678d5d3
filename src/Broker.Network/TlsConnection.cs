using System.Buffers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Broker.Network;

/// <summary>
/// A connection on a TLS listener (SSL, SASL_SSL): the TLS handshake first (bounded by
/// <see cref="TlsServerOptions.HandshakeTimeout"/>; a failed handshake closes the connection with a log line and the
/// application never sees it), then the pipes read decrypted bytes from an <see cref="SslStream"/> and write to it.
/// TLS needs the bytes copied through the cipher anyway, so the stream costs no extra copy over the plain socket path.
/// The peer's certificate subject becomes <see cref="ConnectionContext.Principal"/>.
/// </summary>
internal sealed class TlsConnection : PipeConnection
{
    private readonly SslStream _ssl;
    private readonly TlsServerOptions _tls;

    public TlsConnection(long id, Socket socket, ListenerInfo listener, TlsServerOptions tls, NetworkOptions options, CancellationToken shutdown, ILogger logger)
        : base(id, socket, listener, options, shutdown, logger)
    {
        _tls = tls;
        _ssl = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
    }

    /// <summary>Runs the TLS handshake; fails (logged) when it fails or times out. Sets the principal on success.</summary>
    protected override async ValueTask<(bool Opened, string? Failure)> OpenAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Aborted, ShutdownRequested);
        timeout.CancelAfter(_tls.HandshakeTimeout);
        try
        {
            await _ssl.AuthenticateAsServerAsync(_tls.ToSslOptions(), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException or SocketException
                                       or ObjectDisposedException or System.ComponentModel.Win32Exception)
        {
            string reason = ex is OperationCanceledException ? $"not completed within {_tls.HandshakeTimeout.TotalSeconds:0.#} s" : Describe(ex);
            NetworkLog.TlsHandshakeFailed(Logger, Id, RemoteDisplay, Listener.Name, reason);
            return (false, "TLS handshake failed");
        }

        MarkActivity();
        if (_ssl.RemoteCertificate is { } certificate)
        {
            using var x509 = new X509Certificate2(certificate);
            Principal = KafkaPrincipal.FromCertificate(x509);
            NetworkLog.TlsClientCertificate(Logger, Id, RemoteDisplay, Listener.Name, Principal);
        }

        NetworkLog.TlsEstablished(Logger, Id, RemoteDisplay, Listener.Name, _ssl.SslProtocol.ToString(), _ssl.NegotiatedCipherSuite.ToString(), Principal);
        return (true, null);
    }

    protected override ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        _ssl.ReadAsync(buffer, cancellationToken);

    protected override async ValueTask SendAsync(ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        foreach (var segment in buffer)
            await _ssl.WriteAsync(segment, cancellationToken).ConfigureAwait(false);
        await _ssl.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    // IOException: a reset, or bad TLS records from the peer: the connection is over either way. SslStream throws
    // InvalidOperationException for a write after the other side's close_notify.
    protected override bool IsPeerGone(Exception error, bool sending) =>
        error is IOException || (sending && error is InvalidOperationException);

    protected override ValueTask DisposeTransportAsync() => _ssl.DisposeAsync();

    private static string Describe(Exception ex)
    {
        var messages = new List<string>();
        for (var e = ex; e is not null; e = e.InnerException) messages.Add(e.Message);
        return string.Join(": ", messages.Distinct());
    }
}
