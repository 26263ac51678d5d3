using Broker.Coordination.Scram;
using Broker.Server.Configuration;
using Broker.Server.Security.Sasl;

namespace Broker.Server.Security;

/// <summary>
/// The SASL options of every SASL_PLAINTEXT / SASL_SSL listener, built once at start-up from the (already validated)
/// configuration. Immutable; thread-safe.
/// </summary>
public sealed class SaslListeners
{
    private readonly Dictionary<string, SaslListenerOptions> _byListener;

    public SaslListeners(BrokerConfig config, IScramCredentialStore scram)
    {
        _byListener = config.SaslListenerNames.ToDictionary(name => name, name =>
        {
            var mechanisms = config.SaslEnabledMechanismsFor(name);
            return new SaslListenerOptions
            {
                ListenerName = name,
                EnabledMechanisms = mechanisms,
                PlainUsers = mechanisms.Contains(PlainServerExchange.Name)
                    ? config.SaslJaasConfigFor(name, PlainServerExchange.Name)?.PlainUsers ?? new Dictionary<string, string>()
                    : new Dictionary<string, string>(),
                ScramCredentials = scram.Get,
                MaxReauthMs = config.ConnectionsMaxReauthMs,
                MaxReceiveSize = config.SaslServerMaxReceiveSize,
            };
        }, StringComparer.Ordinal);
    }

    /// <summary>The options of <paramref name="listener"/>, or null when it is not a SASL listener.</summary>
    public SaslListenerOptions? For(string listener) => _byListener.GetValueOrDefault(listener);
}
