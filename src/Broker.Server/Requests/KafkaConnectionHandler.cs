using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Pipelines;
using Broker.Network;
using Broker.Protocol;
using Broker.Protocol.Framing;
using Broker.Protocol.Messages;
using Broker.Server.Metrics;
using Broker.Server.Security.Sasl;
using Microsoft.Extensions.Logging;

namespace Broker.Server.Requests;

/// <summary>
/// The Kafka frame loop of one connection: pipe → frame → header → decode → handler → encode → pipe.
/// Requests are served one at a time, so responses leave in request order (Kafka mutes a channel the same way).
/// Protocol faults close only this connection. Stateless itself: one instance serves every connection.
/// </summary>
public sealed partial class KafkaConnectionHandler : IConnectionHandler
{
    private readonly RequestDispatcher _dispatcher;
    private readonly int _maxRequestBytes;
    private readonly ILogger _logger;
    private readonly TimeSpan _receiveTimeout;
    private readonly TimeProvider _time;
    private readonly BrokerMetrics? _metrics;
    private readonly Func<ConnectionContext, SaslListenerOptions?>? _saslFor;
    private readonly Security.Authorization.IAuthorizer _authorizer;

    /// <param name="saslFor">The SASL options of a connection's listener, or null when it is not a SASL listener.</param>
    /// <param name="receiveTimeout">
    /// <c>socket.request.receive.timeout.ms</c>: longest a request may take to arrive once its first byte is here;
    /// null or <see cref="Timeout.InfiniteTimeSpan"/> never closes.
    /// </param>
    public KafkaConnectionHandler(RequestDispatcher dispatcher, int maxRequestBytes, ILogger<KafkaConnectionHandler> logger,
        TimeSpan? receiveTimeout = null, TimeProvider? time = null, BrokerMetrics? metrics = null,
        Func<ConnectionContext, SaslListenerOptions?>? saslFor = null, Security.Authorization.IAuthorizer? authorizer = null)
    {
        _authorizer = authorizer ?? Security.Authorization.AllowAllAuthorizer.Instance;
        _metrics = metrics;
        _saslFor = saslFor;
        _dispatcher = dispatcher;
        _maxRequestBytes = maxRequestBytes;
        _logger = logger;
        _receiveTimeout = receiveTimeout ?? Timeout.InfiniteTimeSpan;
        _time = time ?? TimeProvider.System;
    }

    public async Task OnConnectedAsync(ConnectionContext connection)
    {
        // Every request's Aborted token: the client left or the broker is stopping. Waits (long-polling fetches,
        // acks=all produce) end at once on either, so an abandoned wait holds neither a socket nor the shutdown.
        using var aborted = CancellationTokenSource.CreateLinkedTokenSource(connection.Closed, connection.ShutdownRequested);
        await ServeAsync(connection, aborted.Token).ConfigureAwait(false);
    }

    private async Task ServeAsync(ConnectionContext connection, CancellationToken aborted)
    {
        var input = connection.Transport.Input;
        var output = connection.Transport.Output;
        using var deadline = new PartialRequestDeadline(_receiveTimeout, _time, input);
        var sasl = _saslFor?.Invoke(connection) is { } saslOptions ? new SaslAuthenticator(saslOptions, _time) : null;
        while (!connection.ShutdownRequested.IsCancellationRequested)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(connection.ShutdownRequested).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return; // broker stopping and no request in flight
            }

            var buffer = result.Buffer;
            long arrived = Stopwatch.GetTimestamp(); // the requests completed by this read arrived now
            long pending = 0;
            try
            {
                while (true)
                {
                    int maxBytes = sasl?.MaxFrameBytes(_maxRequestBytes) ?? _maxRequestBytes;
                    var status = FrameReader.TryReadFrame(ref buffer, maxBytes, out var frame);
                    if (status == FrameStatus.NeedMoreData) break;
                    deadline.Stop(); // a whole request arrived; the clock of the next one starts with its first byte
                    if (status != FrameStatus.Frame)
                    {
                        FrameReader.TryPeekSize(buffer, out int size);
                        LogFrameRefused(connection.Id, connection.RemoteDisplay, size, maxBytes);
                        connection.Abort("request size refused");
                        return;
                    }

                    var outcome = await ServeFrameAsync(connection, sasl, frame, output, aborted, arrived).ConfigureAwait(false);
                    if (outcome == FrameOutcome.Abort)
                    {
                        connection.Abort("protocol error");
                        return;
                    }

                    if (outcome == FrameOutcome.CloseAfterAnswer) return; // the answer drains, then the socket closes
                }

                // What is left is the beginning of the next request.
                pending = buffer.Length;
                if (pending == 0) deadline.Stop();
                else deadline.Start();
            }
            finally
            {
                input.AdvanceTo(buffer.Start, buffer.End);
            }

            if (result.IsCompleted) return;
            if (deadline.HasExpired)
            {
                LogReceiveTimeout(connection.Id, connection.RemoteDisplay, pending, (long)_receiveTimeout.TotalMilliseconds);
                connection.Abort("request receive timeout");
                return;
            }

            // Otherwise a cancelled read is the deadline's timer firing just after the request completed (read on), or
            // firing a little early while the request is still incomplete (wake up again when it is really due).
            if (result.IsCanceled && pending > 0) deadline.Rearm();
        }
    }

    /// <summary>What the frame loop does after a frame.</summary>
    private enum FrameOutcome
    {
        Continue,
        Abort,
        CloseAfterAnswer,
    }

    /// <summary>Serves one frame; says whether the connection goes on.</summary>
    private async ValueTask<FrameOutcome> ServeFrameAsync(ConnectionContext connection, SaslAuthenticator? sasl, ReadOnlySequence<byte> frame,
        PipeWriter output, CancellationToken aborted, long arrived)
    {
        _metrics?.BytesReceived(frame.Length + 4);
        // Decoding works on contiguous memory. A frame usually sits in one pipe segment; otherwise copy it once.
        byte[]? rented = null;
        ReadOnlyMemory<byte> memory;
        if (frame.IsSingleSegment)
        {
            memory = frame.First;
        }
        else
        {
            rented = ArrayPool<byte>.Shared.Rent((int)frame.Length);
            frame.CopyTo(rented);
            memory = rented.AsMemory(0, (int)frame.Length);
        }

        try
        {
            if (sasl is { ExpectsRawToken: true })
                return await ServeRawSaslTokenAsync(connection, sasl, memory, output).ConfigureAwait(false);

            RequestHeader header;
            IKafkaRequest? request = null;
            IRequestHandler? handler = null;
            {
                var reader = new KafkaReader(memory);
                try
                {
                    header = RequestHeader.Read(ref reader, out _);
                }
                catch (ProtocolException ex)
                {
                    LogBadHeader(connection.Id, connection.RemoteDisplay, ex.Message);
                    return FrameOutcome.Abort;
                }

                if (sasl?.Refusal((ApiKey)header.ApiKey) is { } refusal)
                {
                    LogSaslRefused(connection.Id, connection.RemoteDisplay, header.ClientId, refusal);
                    return FrameOutcome.Abort;
                }

                if (!_dispatcher.TryGetHandler(header.ApiKey, header.ApiVersion, out handler))
                {
                    if (header.ApiKey == (short)ApiKey.ApiVersions)
                    {
                        // KIP-511: an unknown ApiVersions version is answered in v0 with error 35 and the full list.
                        var answer = Handlers.ApiVersionsHandler.Build(_dispatcher, ErrorCode.UnsupportedVersion);
                        await WriteResponseAsync(output, header.CorrelationId, 0, 0, answer).ConfigureAwait(false);
                        return FrameOutcome.Continue;
                    }

                    LogUnsupported(connection.Id, connection.RemoteDisplay, header.ClientId, header.ApiKey, header.ApiVersion);
                    return FrameOutcome.Abort;
                }

                try
                {
                    request = RequestReader.Read((ApiKey)header.ApiKey, header.ApiVersion, ref reader);
                }
                catch (ProtocolException ex)
                {
                    LogBadRequest(connection.Id, connection.RemoteDisplay, header.ClientId, (ApiKey)header.ApiKey, header.ApiVersion, ex.Message);
                    return FrameOutcome.Abort;
                }
            }

            if (sasl is not null && request is SaslHandshakeRequest or SaslAuthenticateRequest)
                return await ServeSaslRequestAsync(connection, sasl, header, request, output).ConfigureAwait(false);

            var context = new RequestContext(header, connection.Id, connection.RemoteEndPoint, aborted, connection.Closed)
            {
                Listener = connection.Listener,
                Connection = connection,
                Authorizer = _authorizer,
            };
            long started = Stopwatch.GetTimestamp();
            IKafkaResponse? response;
            try
            {
                response = await handler.HandleAsync(context, request).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (aborted.IsCancellationRequested)
            {
                return FrameOutcome.Abort; // the client left or the broker is stopping: nobody to answer, not a handler failure
            }
            catch (ProtocolException ex)
            {
                LogBadRequest(connection.Id, connection.RemoteDisplay, header.ClientId, (ApiKey)header.ApiKey, header.ApiVersion, ex.Message);
                return FrameOutcome.Abort;
            }
            catch (Exception ex)
            {
                LogHandlerFailed(connection.Id, connection.RemoteDisplay, (ApiKey)header.ApiKey, header.ApiVersion, ex);
                return FrameOutcome.Abort;
            }

            if (response is not null)
            {
                short headerVersion = ApiHeaders.ResponseHeaderVersion(header.ApiKey, header.ApiVersion);
                await WriteResponseAsync(output, header.CorrelationId, headerVersion, header.ApiVersion, response).ConfigureAwait(false);
            }

            _metrics?.RequestServed(header.ApiKey, header.ApiVersion, request is FetchRequest { ReplicaId: >= 0 }, arrived, started, Stopwatch.GetTimestamp());
            return FrameOutcome.Continue;
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Encodes straight into the output pipe: the size prefix is reserved, the body written, then the prefix patched.
    /// Patching is safe because nothing is flushed between the reservation and the patch. A fetch response's pooled
    /// record buffers are released as soon as their bytes are in the pipe.
    /// </summary>
    private ValueTask<FlushResult> WriteResponseAsync(PipeWriter output, int correlationId, short headerVersion, short version, IKafkaResponse response)
    {
        try
        {
            var sizeSlot = output.GetMemory(4)[..4];
            output.Advance(4);
            var writer = new KafkaWriter(output);
            ResponseHeader.Write(ref writer, correlationId, headerVersion);
            response.Write(ref writer, version);
            BinaryPrimitives.WriteInt32BigEndian(sizeSlot.Span, checked((int)writer.BytesWritten));
            _metrics?.BytesSent(writer.BytesWritten + 4);
        }
        finally
        {
            if (response is FetchResponse fetch) Handlers.FetchHandler.ReleaseRecords(fetch);
        }

        return output.FlushAsync();
    }

    [LoggerMessage(200, LogLevel.Warning, "Closing connection {ConnectionId} from {Remote}: request size {Size} is negative or exceeds socket.request.max.bytes={Max}")]
    private partial void LogFrameRefused(long connectionId, string remote, int size, int max);

    [LoggerMessage(201, LogLevel.Warning, "Closing connection {ConnectionId} from {Remote}: unreadable request header ({Reason})")]
    private partial void LogBadHeader(long connectionId, string remote, string reason);

    [LoggerMessage(202, LogLevel.Warning, "Closing connection {ConnectionId} from {Remote} (client {ClientId}): unsupported api key {ApiKey} version {Version}")]
    private partial void LogUnsupported(long connectionId, string remote, string clientId, short apiKey, short version);

    [LoggerMessage(203, LogLevel.Warning, "Closing connection {ConnectionId} from {Remote} (client {ClientId}): malformed {Api} v{Version} request: {Reason}")]
    private partial void LogBadRequest(long connectionId, string remote, string clientId, ApiKey api, short version, string reason);

    [LoggerMessage(205, LogLevel.Warning, "Closing connection {ConnectionId} from {Remote}: a request of which {Bytes} bytes arrived is incomplete after socket.request.receive.timeout.ms={TimeoutMs}")]
    private partial void LogReceiveTimeout(long connectionId, string remote, long bytes, long timeoutMs);

    [LoggerMessage(204, LogLevel.Error, "Closing connection {ConnectionId} from {Remote}: {Api} v{Version} handler failed")]
    private partial void LogHandlerFailed(long connectionId, string remote, ApiKey api, short version, Exception ex);
}
