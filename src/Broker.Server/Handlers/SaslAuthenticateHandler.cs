using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Requests;

namespace Broker.Server.Handlers;

/// <summary>SaslAuthenticate v0–2 on a listener without SASL: ILLEGAL_SASL_STATE, as Kafka (see <see cref="SaslHandshakeHandler"/>).</summary>
public sealed class SaslAuthenticateHandler : RequestHandler<SaslAuthenticateRequest>
{
    public override ApiKey ApiKey => ApiKey.SaslAuthenticate;

    protected override ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, SaslAuthenticateRequest request) =>
        ValueTask.FromResult<IKafkaResponse?>(new SaslAuthenticateResponse
        {
            ErrorCode = (short)ErrorCode.IllegalSaslState,
            ErrorMessage = "SaslAuthenticate request received on a listener without SASL",
        });
}
