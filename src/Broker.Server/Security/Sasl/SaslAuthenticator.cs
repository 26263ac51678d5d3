using Broker.Protocol;
using Broker.Protocol.Messages;

namespace Broker.Server.Security.Sasl;

/// <summary>
/// The SASL state of one connection on a SASL_PLAINTEXT or SASL_SSL listener (Kafka's SaslServerAuthenticator).
/// Before authentication only ApiVersions, SaslHandshake and SaslAuthenticate are served; anything else closes the
/// connection. Framing: SaslHandshake v1 is followed by SaslAuthenticate requests (KIP-152); v0 by raw size-prefixed
/// tokens (the legacy flow kafka-python 2.0 still uses; Kafka serves it too). A failed exchange is answered
/// (SaslAuthenticate: SASL_AUTHENTICATION_FAILED with the reason; a raw token: nothing, as Kafka cannot say more)
/// and the connection closed. Re-authentication (KIP-368): a client told a session lifetime (SaslAuthenticate v1+,
/// <c>connections.max.reauth.ms</c> &gt; 0) sends SaslHandshake again before it ends; the principal may not change;
/// a request arriving after the end without that closes the connection. Clients that cannot re-authenticate
/// (SaslAuthenticate v0, legacy raw tokens) are never cut, as Kafka. Not thread-safe: the frame loop serves one
/// request at a time.
/// </summary>
public sealed class SaslAuthenticator(SaslListenerOptions options, TimeProvider time)
{
    private enum State
    {
        AwaitHandshake,
        AwaitAuthenticate,
        AwaitRawToken,
        Failed,
    }

    private State _state = State.AwaitHandshake;
    private ISaslServerExchange? _exchange;
    private string? _user;
    private string? _mechanism;
    private long _sessionEndTimestamp = long.MaxValue;
    private bool _reauthenticating;

    /// <summary>True once an exchange completed (and stays true during a re-authentication).</summary>
    public bool IsAuthenticated => _user is not null && _state != State.Failed;

    /// <summary>Kafka's principal, <c>User:&lt;name&gt;</c>, once authenticated.</summary>
    public string? Principal => _user is null ? null : "User:" + _user;

    public SaslListenerOptions Options => options;

    /// <summary>True while the next frame is a raw SASL token (after a v0 handshake), not a request.</summary>
    public bool ExpectsRawToken => _state == State.AwaitRawToken;

    /// <summary>The largest frame to accept now: bounded until the exchange completed.</summary>
    public int MaxFrameBytes(int authenticatedMax) =>
        IsAuthenticated && _state == State.AwaitHandshake ? authenticatedMax : Math.Min(authenticatedMax, options.MaxReceiveSize);

    /// <summary>Why a request with <paramref name="api"/> must close the connection now, or null when it may be served.</summary>
    public string? Refusal(ApiKey api)
    {
        if (api == ApiKey.ApiVersions) return null;
        switch (_state)
        {
            case State.AwaitHandshake:
                if (api == ApiKey.SaslHandshake) return null;
                if (!IsAuthenticated) return $"{api} before SASL authentication";
                if (time.GetTimestamp() >= _sessionEndTimestamp) return "the SASL session expired (connections.max.reauth.ms) without re-authentication";
                return null;
            case State.AwaitAuthenticate:
                // A handshake replay is answered ILLEGAL_SASL_STATE, then closed (as Kafka); other requests just close.
                return api is ApiKey.SaslAuthenticate or ApiKey.SaslHandshake ? null : $"{api} during the SASL exchange";
            case State.AwaitRawToken:
                return $"{api} while a raw SASL token was expected";
            default:
                return $"{api} after a failed SASL authentication";
        }
    }

    /// <summary>SaslHandshake: chooses the mechanism. Returns the answer and whether to close after it.</summary>
    public (SaslHandshakeResponse Response, bool Close) Handshake(SaslHandshakeRequest request, short version)
    {
        var response = new SaslHandshakeResponse();
        response.Mechanisms.AddRange(options.EnabledMechanisms);
        if (_state != State.AwaitHandshake)
        {
            response.ErrorCode = (short)ErrorCode.IllegalSaslState;
            return (response, true);
        }

        if (IsAuthenticated && (version < 1 || _sessionEndTimestamp == long.MaxValue || request.Mechanism != _mechanism))
        {
            // A handshake replay on an authenticated connection that was never offered re-authentication.
            response.ErrorCode = (short)ErrorCode.IllegalSaslState;
            return (response, true);
        }

        var exchange = options.CreateExchange(request.Mechanism);
        if (exchange is null)
        {
            response.ErrorCode = (short)ErrorCode.UnsupportedSaslMechanism;
            _state = State.Failed;
            return (response, true);
        }

        _exchange = exchange;
        _reauthenticating = IsAuthenticated;
        _state = version == 0 ? State.AwaitRawToken : State.AwaitAuthenticate;
        return (response, false);
    }

    /// <summary>SaslAuthenticate: one step of the exchange. Returns the answer and whether to close after it.</summary>
    public (SaslAuthenticateResponse Response, bool Close) Authenticate(SaslAuthenticateRequest request, short version)
    {
        var response = new SaslAuthenticateResponse();
        if (_state != State.AwaitAuthenticate)
        {
            response.ErrorCode = (short)ErrorCode.IllegalSaslState;
            response.ErrorMessage = "SaslAuthenticate without a SaslHandshake v1 first";
            _state = State.Failed;
            return (response, true);
        }

        var step = Step(request.AuthBytes.Span, version >= 1);
        if (step.Error is not null)
        {
            response.ErrorCode = (short)ErrorCode.SaslAuthenticationFailed;
            response.ErrorMessage = step.Error;
            return (response, true);
        }

        response.AuthBytes = step.Response;
        if (step.Complete && version >= 1 && options.MaxReauthMs > 0) response.SessionLifetimeMs = options.MaxReauthMs;
        return (response, false);
    }

    /// <summary>A raw token after a v0 handshake: the server's token to send back, or null to close at once.</summary>
    public byte[]? RawToken(ReadOnlySpan<byte> token)
    {
        var step = Step(token, canReauthenticate: false);
        return step.Error is null ? step.Response : null;
    }

    private SaslStep Step(ReadOnlySpan<byte> token, bool canReauthenticate)
    {
        var step = _exchange!.Evaluate(token);
        if (step.Error is not null)
        {
            _state = State.Failed;
            return step;
        }

        if (!step.Complete) return step;
        if (_reauthenticating && step.UserName != _user)
        {
            _state = State.Failed;
            return SaslStep.Fail("Cannot change principals during re-authentication");
        }

        _user = step.UserName;
        _mechanism = _exchange.Mechanism;
        _exchange = null;
        _state = State.AwaitHandshake; // authenticated; a later handshake is a re-authentication
        _sessionEndTimestamp = canReauthenticate && options.MaxReauthMs > 0
            ? time.GetTimestamp() + options.MaxReauthMs * time.TimestampFrequency / 1000
            : long.MaxValue;
        return step;
    }
}
