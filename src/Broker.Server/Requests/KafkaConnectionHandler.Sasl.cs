using System.Buffers.Binary;
using System.IO.Pipelines;
using Broker.Network;
using Broker.Protocol;
using Broker.Protocol.Framing;
using Broker.Protocol.Messages;
using Broker.Server.Security.Sasl;
using Microsoft.Extensions.Logging;

namespace Broker.Server.Requests;

/// <summary>
/// The SASL part of the frame loop (SASL_PLAINTEXT and SASL_SSL listeners): SaslHandshake and SaslAuthenticate are
/// served here, against the connection's <see cref="SaslAuthenticator"/>, not by the dispatcher's handlers (which
/// answer ILLEGAL_SASL_STATE on other listeners, as Kafka).
/// </summary>
public sealed partial class KafkaConnectionHandler
{
    private async ValueTask<FrameOutcome> ServeSaslRequestAsync(ConnectionContext connection, SaslAuthenticator sasl, RequestHeader header,
        IKafkaRequest request, PipeWriter output)
    {
        IKafkaResponse response;
        bool close;
        bool wasAuthenticated = sasl.IsAuthenticated;
        if (request is SaslHandshakeRequest handshake)
        {
            (var answer, close) = sasl.Handshake(handshake, header.ApiVersion);
            response = answer;
            if (close) LogSaslHandshakeRefused(connection.Id, connection.RemoteDisplay, handshake.Mechanism, ((ErrorCode)answer.ErrorCode).ToString());
        }
        else
        {
            (var answer, close) = sasl.Authenticate((SaslAuthenticateRequest)request, header.ApiVersion);
            response = answer;
            if (close) LogSaslFailed(connection.Id, connection.RemoteDisplay, header.ClientId, answer.ErrorMessage ?? "");
        }

        short headerVersion = ApiHeaders.ResponseHeaderVersion(header.ApiKey, header.ApiVersion);
        await WriteResponseAsync(output, header.CorrelationId, headerVersion, header.ApiVersion, response).ConfigureAwait(false);
        if (close) return FrameOutcome.CloseAfterAnswer;
        OnAuthenticated(connection, sasl, wasAuthenticated);
        return FrameOutcome.Continue;
    }

    /// <summary>A raw token after a v0 handshake: answered as a size-prefixed token; a failure closes without an answer.</summary>
    private async ValueTask<FrameOutcome> ServeRawSaslTokenAsync(ConnectionContext connection, SaslAuthenticator sasl, ReadOnlyMemory<byte> token,
        PipeWriter output)
    {
        bool wasAuthenticated = sasl.IsAuthenticated;
        var answer = sasl.RawToken(token.Span);
        if (answer is null)
        {
            LogSaslFailed(connection.Id, connection.RemoteDisplay, "(legacy SASL tokens)", "authentication failed");
            return FrameOutcome.Abort;
        }

        var span = output.GetSpan(4 + answer.Length);
        BinaryPrimitives.WriteInt32BigEndian(span, answer.Length);
        answer.CopyTo(span[4..]);
        output.Advance(4 + answer.Length);
        await output.FlushAsync().ConfigureAwait(false);
        OnAuthenticated(connection, sasl, wasAuthenticated);
        return FrameOutcome.Continue;
    }

    private void OnAuthenticated(ConnectionContext connection, SaslAuthenticator sasl, bool wasAuthenticated)
    {
        if (!sasl.IsAuthenticated || sasl.ExpectsRawToken) return;
        if (!wasAuthenticated) LogSaslAuthenticated(connection.Id, connection.RemoteDisplay, sasl.Principal!, sasl.Options.ListenerName);
        SetPrincipal(connection, sasl.Principal!);
    }

    /// <summary>Exposes the principal on the connection, for whoever (the authorizer) looks at it there.</summary>
    private static void SetPrincipal(ConnectionContext connection, string principal) => connection.Principal = principal;

    [LoggerMessage(3310, LogLevel.Information, "Connection {ConnectionId} from {Remote} authenticated as {Principal} on listener {Listener}")]
    private partial void LogSaslAuthenticated(long connectionId, string remote, string principal, string listener);

    [LoggerMessage(3311, LogLevel.Warning, "Closing connection {ConnectionId} from {Remote} (client {ClientId}): SASL authentication failed: {Reason}")]
    private partial void LogSaslFailed(long connectionId, string remote, string clientId, string reason);

    [LoggerMessage(3312, LogLevel.Warning, "Closing connection {ConnectionId} from {Remote} (client {ClientId}): {Reason}")]
    private partial void LogSaslRefused(long connectionId, string remote, string clientId, string reason);

    [LoggerMessage(3313, LogLevel.Warning, "Closing connection {ConnectionId} from {Remote}: SaslHandshake for mechanism '{Mechanism}' refused ({Error})")]
    private partial void LogSaslHandshakeRefused(long connectionId, string remote, string mechanism, string error);
}
