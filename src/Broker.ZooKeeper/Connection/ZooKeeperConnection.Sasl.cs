using System.Buffers;
using System.Net.Sockets;
using Broker.ZooKeeper.Protocol;
using Broker.ZooKeeper.Sasl;

namespace Broker.ZooKeeper.Connection;

internal sealed partial class ZooKeeperConnection
{
    /// <summary>
    /// Authenticates a freshly connected socket with DIGEST-MD5, before the connection's loops start and so before
    /// any other request (SetWatches included) goes out: ZooKeeper keeps authentication per connection and checks
    /// ACLs against the identities the connection has at the time of each request. Packets are ordinary requests
    /// (opcode sasl, GetSASLRequest { buffer token }) answered by ReplyHeader + SetSASLResponse { buffer token }.
    /// DIGEST-MD5 has no initial response, so the first token is empty and the server answers with its challenge.
    /// </summary>
    /// <exception cref="AuthFailedException">The server answered AUTHFAILED (then closes the connection) or sent a
    /// challenge or proof this client cannot accept.</exception>
    private static async Task AuthenticateAsync(Socket socket, ZooKeeperSaslCredentials credentials, IConnectionOwner owner,
        CancellationToken cancellationToken)
    {
        var digest = new DigestMd5Client(credentials.Username, credentials.Password);
        try
        {
            var challenge = await ExchangeAsync(socket, [], owner, cancellationToken).ConfigureAwait(false);
            var proof = await ExchangeAsync(socket, digest.Respond(challenge), owner, cancellationToken).ConfigureAwait(false);
            digest.VerifyServer(proof);
        }
        catch (FormatException e)
        {
            throw new AuthFailedException($"SASL DIGEST-MD5 as '{credentials.Username}': {e.Message}", e);
        }
    }

    private static async Task<byte[]> ExchangeAsync(Socket socket, byte[] token, IConnectionOwner owner, CancellationToken cancellationToken)
    {
        var writer = new JuteWriter(64 + token.Length);
        int xid = owner.NextXid();
        writer.WriteInt(xid);
        writer.WriteInt(OpCode.Sasl);
        writer.WriteBuffer(token);
        var (request, length) = writer.Complete();
        try
        {
            await socket.SendAsync(request.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(request);
        }

        byte[] body;
        try
        {
            body = await ReadFrameAsync(socket, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException e)
        {
            // A server without SASL configured (no authProvider, no Server JAAS section) drops the connection.
            throw new AuthFailedException("the ZooKeeper server closed the connection during SASL authentication " +
                "(is SASL enabled on it: authProvider.1=org.apache.zookeeper.server.auth.SASLAuthenticationProvider and a JAAS Server section?)", e);
        }

        var reader = new JuteReader(body);
        int replyXid = reader.ReadInt();
        reader.ReadLong(); // zxid
        var error = (ZooKeeperErrorCode)reader.ReadInt();
        if (error != ZooKeeperErrorCode.Ok)
            throw new AuthFailedException($"the ZooKeeper server refused the SASL credentials ({error})");
        if (replyXid != xid) throw new InvalidDataException($"SASL reply xid {replyXid}, expected {xid}");
        return reader.ReadBuffer() ?? [];
    }
}
