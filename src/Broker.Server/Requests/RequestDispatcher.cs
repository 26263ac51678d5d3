using System.Collections.Frozen;
using Broker.Protocol;

namespace Broker.Server.Requests;

/// <summary>
/// Maps API keys to handlers and answers "what is supported": exactly the APIs that have a handler, at the versions
/// of their message definitions (so ApiVersions never advertises something unimplemented). Immutable after
/// construction; thread-safe.
/// </summary>
public sealed class RequestDispatcher
{
    private readonly FrozenDictionary<short, IRequestHandler> _handlers;

    public RequestDispatcher(IEnumerable<IRequestHandler> handlers)
    {
        _handlers = handlers.ToFrozenDictionary(h => (short)h.ApiKey);
        Supported = _handlers.Keys
            .Select(k => ApiDefinitions.TryGet(k, out var d) ? d : throw new InvalidOperationException($"no definition for api key {k}"))
            .OrderBy(d => (short)d.Key)
            .ToArray();
    }

    /// <summary>The advertised APIs, ordered by key.</summary>
    public IReadOnlyList<ApiDefinition> Supported { get; }

    public bool TryGetHandler(short apiKey, short apiVersion, out IRequestHandler handler)
    {
        if (_handlers.TryGetValue(apiKey, out handler!) && ApiDefinitions.TryGet(apiKey, out var d) && d.IsSupported(apiVersion))
            return true;
        handler = null!;
        return false;
    }

    public bool IsKnownApi(short apiKey) => _handlers.ContainsKey(apiKey);
}
