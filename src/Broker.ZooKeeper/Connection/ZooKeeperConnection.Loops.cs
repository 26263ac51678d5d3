using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using Broker.ZooKeeper.Protocol;

namespace Broker.ZooKeeper.Connection;

internal sealed partial class ZooKeeperConnection
{
    private static async Task<byte[]> ReadFrameAsync(Socket socket, CancellationToken cancellationToken)
    {
        var prefix = new byte[4];
        await ReceiveExactlyAsync(socket, prefix, cancellationToken).ConfigureAwait(false);
        var length = BinaryPrimitives.ReadInt32BigEndian(prefix);
        if (length is < 0 or > MaxFrameBytes)
        {
            throw new InvalidDataException($"Invalid ZooKeeper frame length {length}.");
        }

        var body = new byte[length];
        await ReceiveExactlyAsync(socket, body, cancellationToken).ConfigureAwait(false);
        return body;
    }

    private static async Task ReceiveExactlyAsync(Socket socket, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (buffer.Length > 0)
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new EndOfStreamException("ZooKeeper server closed the connection.");
            }

            buffer = buffer[read..];
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var prefix = new byte[4];
        var reason = "server closed the connection";
        try
        {
            while (true)
            {
                await _stream.ReadExactlyAsync(prefix, _shutdown.Token).ConfigureAwait(false);
                var length = BinaryPrimitives.ReadInt32BigEndian(prefix);
                if (length is < 16 or > MaxFrameBytes)
                {
                    throw new InvalidDataException($"Invalid ZooKeeper frame length {length}.");
                }

                var body = ArrayPool<byte>.Shared.Rent(length);
                try
                {
                    await _stream.ReadExactlyAsync(body.AsMemory(0, length), _shutdown.Token).ConfigureAwait(false);
                    Volatile.Write(ref _lastReceivedTicks, Environment.TickCount64);
                    Dispatch(body.AsSpan(0, length));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(body);
                }
            }
        }
        catch (OperationCanceledException)
        {
            reason = "closed locally";
        }
        catch (Exception e)
        {
            reason = e.Message;
        }
        finally
        {
            Close(reason);
        }
    }

    /// <summary>Handles one reply frame: ReplyHeader(xid, zxid, err) followed by the body.</summary>
    private void Dispatch(ReadOnlySpan<byte> frame)
    {
        var reader = new JuteReader(frame);
        var xid = reader.ReadInt();
        var zxid = reader.ReadLong();
        var error = (ZooKeeperErrorCode)reader.ReadInt();
        var body = frame[16..];
        switch (xid)
        {
            case Xids.Ping:
            case Xids.Auth:
                return;
            case Xids.Notification:
                var type = (WatchedEventType)reader.ReadInt();
                reader.ReadInt(); // keeper state, always SyncConnected for node events
                var path = reader.ReadString() ?? string.Empty;
                _owner.OnNotification(type, path);
                return;
        }

        PendingRequest? request;
        lock (_gate)
        {
            _pending.TryDequeue(out request);
        }

        if (request is null || request.Xid != xid)
        {
            // Replies are strictly ordered; a mismatch means the stream is corrupt, so drop the connection.
            if (request is not null)
            {
                request.Fail(new ConnectionLossException(request.Path, $"xid out of order: got {xid}, expected {request.Xid}"));
            }

            throw new InvalidDataException($"Unexpected ZooKeeper reply xid {xid}.");
        }

        if (zxid > 0)
        {
            _owner.OnZxid(zxid);
        }

        request.Complete(error, body);
    }

    private async Task SendLoopAsync()
    {
        var reader = _outgoing.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_shutdown.Token).ConfigureAwait(false))
            {
                while (reader.TryRead(out var frame))
                {
                    try
                    {
                        await _stream.WriteAsync(frame.Buffer.AsMemory(0, frame.Length), _shutdown.Token).ConfigureAwait(false);
                    }
                    finally
                    {
                        ReturnFrame(frame);
                    }
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            Close(e is OperationCanceledException ? "closed locally" : e.Message);
        }
        finally
        {
            while (reader.TryRead(out var frame))
            {
                ReturnFrame(frame);
            }
        }
    }

    private async Task PingLoopAsync()
    {
        var readTimeoutMs = (long)(_sessionTimeout.TotalMilliseconds * 2 / 3);
        using var timer = new PeriodicTimer(_sessionTimeout / 3);
        try
        {
            while (await timer.WaitForNextTickAsync(_shutdown.Token).ConfigureAwait(false))
            {
                if (Environment.TickCount64 - Volatile.Read(ref _lastReceivedTicks) > readTimeoutMs)
                {
                    Close($"no reply from {Server} for {readTimeoutMs} ms");
                    return;
                }

                var writer = new JuteWriter(16);
                writer.WriteInt(Xids.Ping);
                writer.WriteInt(OpCode.Ping);
                var (buffer, length) = writer.Complete();
                if (!_outgoing.Writer.TryWrite(new OutgoingFrame(buffer, length, null)))
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static void ReturnFrame(OutgoingFrame frame)
    {
        if (frame.Request is { } request)
        {
            ReturnFrame(request);
        }
        else
        {
            ArrayPool<byte>.Shared.Return(frame.Buffer);
        }
    }

    /// <summary>Marks the connection closed, stops the loops and fails every unanswered request. Idempotent.</summary>
    private void Close(string reason)
    {
        List<PendingRequest> orphans;
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            _outgoing.Writer.TryComplete();
            orphans = [.. _pending];
            _pending.Clear();
        }

        _owner.OnClosed(this);
        Abort(reason);
        foreach (var request in orphans)
        {
            request.Fail(new ConnectionLossException(request.Path, $"connection to {Server} lost: {reason}"));
        }
    }
}
