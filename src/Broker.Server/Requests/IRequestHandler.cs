using Broker.Protocol;

namespace Broker.Server.Requests;

/// <summary>
/// Serves one API. Handlers are singletons called concurrently from many connections, so they must be thread-safe.
/// Returning null sends no response (produce with acks=0). Throwing <see cref="Broker.Protocol.ProtocolException"/>
/// closes the connection; any other exception is logged and closes the connection too.
/// </summary>
public interface IRequestHandler
{
    ApiKey ApiKey { get; }

    ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, IKafkaRequest request);
}

/// <summary>Typed base for handlers: one subclass per API, in Handlers/.</summary>
public abstract class RequestHandler<TRequest> : IRequestHandler where TRequest : IKafkaRequest
{
    public abstract ApiKey ApiKey { get; }

    public ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, IKafkaRequest request) =>
        HandleAsync(context, (TRequest)request);

    protected abstract ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, TRequest request);
}
