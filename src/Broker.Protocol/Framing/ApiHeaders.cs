namespace Broker.Protocol.Framing;

/// <summary>
/// Header versions for an (api key, api version) pair, following Kafka's generator rules:
/// flexible request versions use request header v2 and response header v1, others v1/v0, with two exceptions:
/// ApiVersions responses always use header v0 (so clients can parse them before knowing our versions) and
/// ControlledShutdown v0 requests use request header v0. Unknown api keys get request header v1.
/// </summary>
public static class ApiHeaders
{
    /// <summary>ControlledShutdown (key 7) v0 predates the client id in the request header.</summary>
    private const short ControlledShutdownKey = (short)ApiKey.ControlledShutdown;

    public static short RequestHeaderVersion(short apiKey, short apiVersion)
    {
        if (apiKey == ControlledShutdownKey && apiVersion == 0)
        {
            return 0;
        }

        if (!ApiDefinitions.TryGet(apiKey, out var definition))
        {
            return 1;
        }

        return definition.IsFlexible(apiVersion) ? (short)2 : (short)1;
    }

    public static short ResponseHeaderVersion(short apiKey, short apiVersion)
    {
        if (apiKey == (short)ApiKey.ApiVersions)
        {
            return 0;
        }

        if (!ApiDefinitions.TryGet(apiKey, out var definition))
        {
            return 0;
        }

        return definition.IsFlexible(apiVersion) ? (short)1 : (short)0;
    }
}
