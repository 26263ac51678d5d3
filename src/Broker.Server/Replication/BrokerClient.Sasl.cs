using Broker.Coordination.Scram;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Security.Sasl;

namespace Broker.Server.Replication;

/// <summary>
/// This broker's credentials on the inter-broker listener (<c>sasl.mechanism.inter.broker.protocol</c> and the
/// username/password of that listener's JAAS entry). Immutable.
/// </summary>
public sealed record InterBrokerSasl(string Mechanism, string User, string Password)
{
    public override string ToString() => $"{Mechanism} as {User}"; // never the password
}

/// <summary>A peer refused this broker's SASL credentials (or spoke SASL wrongly); the connection is unusable.</summary>
public sealed class SaslAuthenticationFailedException(string message) : IOException(message);

public sealed partial class BrokerClient
{
    /// <summary>
    /// Authenticates as a SASL client (KIP-152: SaslHandshake v1, then SaslAuthenticate v1 frames): PLAIN in one step,
    /// SCRAM in two, checking the server's final signature so a peer that does not hold the credential is not trusted.
    /// </summary>
    /// <exception cref="SaslAuthenticationFailedException">Refused, or the server's answers do not add up.</exception>
    public async Task AuthenticateAsync(InterBrokerSasl sasl, TimeSpan timeout, CancellationToken ct)
    {
        var handshake = await SendAsync<SaslHandshakeResponse>(new SaslHandshakeRequest { Mechanism = sasl.Mechanism }, 1, timeout, ct).ConfigureAwait(false);
        if (handshake.ErrorCode != 0)
        {
            throw new SaslAuthenticationFailedException(
                $"broker {RemoteBrokerId} refused SASL mechanism {sasl.Mechanism}: {(ErrorCode)handshake.ErrorCode} (it offers {string.Join(",", handshake.Mechanisms)})");
        }

        if (sasl.Mechanism == PlainServerExchange.Name)
        {
            var token = System.Text.Encoding.UTF8.GetBytes($"\0{sasl.User}\0{sasl.Password}");
            await StepAsync(token, timeout, ct).ConfigureAwait(false);
            return;
        }

        var mechanism = ScramMechanism.FromName(sasl.Mechanism)
                        ?? throw new SaslAuthenticationFailedException($"unsupported inter-broker SASL mechanism {sasl.Mechanism}");
        var scram = new ScramClientExchange(mechanism, sasl.User, sasl.Password);
        var serverFirst = await StepAsync(scram.ClientFirst(), timeout, ct).ConfigureAwait(false);
        byte[] clientFinal;
        try
        {
            clientFinal = scram.ClientFinal(serverFirst);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new SaslAuthenticationFailedException($"broker {RemoteBrokerId}: {e.Message}");
        }

        var serverFinal = await StepAsync(clientFinal, timeout, ct).ConfigureAwait(false);
        if (!scram.VerifyServerFinal(serverFinal))
            throw new SaslAuthenticationFailedException($"broker {RemoteBrokerId} could not prove it holds the SCRAM credential of {sasl.User}");
    }

    private async Task<byte[]> StepAsync(byte[] token, TimeSpan timeout, CancellationToken ct)
    {
        var response = await SendAsync<SaslAuthenticateResponse>(new SaslAuthenticateRequest { AuthBytes = token }, 1, timeout, ct).ConfigureAwait(false);
        if (response.ErrorCode != 0)
        {
            throw new SaslAuthenticationFailedException(
                $"broker {RemoteBrokerId} refused this broker's SASL credentials: {(ErrorCode)response.ErrorCode} {response.ErrorMessage}");
        }

        return response.AuthBytes.ToArray(); // the receive buffer is reused by the next request
    }
}
