using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Requests;

namespace Broker.Server.Handlers;

/// <summary>
/// SaslHandshake v0–1 where no SASL exchange is possible: a PLAINTEXT or SSL listener answers ILLEGAL_SASL_STATE, as
/// Kafka. On SASL listeners the frame loop serves it (<see cref="KafkaConnectionHandler"/>), never this handler.
/// </summary>
public sealed class SaslHandshakeHandler : RequestHandler<SaslHandshakeRequest>
{
    public override ApiKey ApiKey => ApiKey.SaslHandshake;

    protected override ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, SaslHandshakeRequest request) =>
        ValueTask.FromResult<IKafkaResponse?>(new SaslHandshakeResponse { ErrorCode = (short)ErrorCode.IllegalSaslState });
}
