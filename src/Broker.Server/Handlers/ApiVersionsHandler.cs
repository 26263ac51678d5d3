using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Requests;

namespace Broker.Server.Handlers;

/// <summary>ApiVersions: the advertised list comes from the dispatcher, i.e. from the handlers and their definitions.</summary>
public sealed class ApiVersionsHandler(Func<RequestDispatcher> dispatcher) : RequestHandler<ApiVersionsRequest>
{
    public override ApiKey ApiKey => ApiKey.ApiVersions;

    protected override ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, ApiVersionsRequest request) =>
        ValueTask.FromResult<IKafkaResponse?>(Build(dispatcher(), ErrorCode.None));

    public static ApiVersionsResponse Build(RequestDispatcher dispatcher, ErrorCode error)
    {
        var response = new ApiVersionsResponse { ErrorCode = (short)error };
        foreach (var api in dispatcher.Supported)
        {
            response.ApiKeys.Add(new ApiVersionsResponse.ApiVersion
            {
                ApiKey = (short)api.Key, MinVersion = api.MinVersion, MaxVersion = api.MaxVersion,
            });
        }

        return response;
    }
}
