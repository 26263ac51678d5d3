using System.Buffers;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Broker.Network;

/// <summary>A connection on a plaintext listener (PLAINTEXT, SASL_PLAINTEXT): the pipes read and write the socket directly.</summary>
internal sealed class SocketConnection(long id, Socket socket, ListenerInfo listener, NetworkOptions options, CancellationToken shutdown, ILogger logger)
    : PipeConnection(id, socket, listener, options, shutdown, logger)
{
    protected override ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        Socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);

    protected override async ValueTask SendAsync(ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        foreach (var segment in buffer)
        {
            var remaining = segment;
            while (!remaining.IsEmpty)
            {
                int sent = await Socket.SendAsync(remaining, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                MarkActivity();
                remaining = remaining[sent..];
            }
        }
    }

    protected override bool IsPeerGone(Exception error, bool sending) =>
        error is SocketException socketError && (sending || socketError.SocketErrorCode is SocketError.ConnectionReset
            or SocketError.ConnectionAborted or SocketError.Shutdown or SocketError.OperationAborted or SocketError.Interrupted);
}
