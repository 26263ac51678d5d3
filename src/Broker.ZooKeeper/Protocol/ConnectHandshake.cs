namespace Broker.ZooKeeper.Protocol;

/// <summary>The session parameters granted by the server in a ConnectResponse.</summary>
/// <param name="TimeoutMs">Negotiated session timeout; zero or less means the session has expired.</param>
internal readonly record struct ConnectResult(int TimeoutMs, long SessionId, byte[] Password);

/// <summary>Encodes ConnectRequest and decodes ConnectResponse (protocol version 0, read-only mode off).</summary>
internal static class ConnectHandshake
{
    public static (byte[] Buffer, int Length) WriteRequest(long lastZxidSeen, int timeoutMs, long sessionId, byte[] password)
    {
        var writer = new JuteWriter(64);
        writer.WriteInt(0);
        writer.WriteLong(lastZxidSeen);
        writer.WriteInt(timeoutMs);
        writer.WriteLong(sessionId);
        writer.WriteBuffer(password);
        writer.WriteBool(false);
        return writer.Complete();
    }

    public static ConnectResult ReadResponse(ReadOnlySpan<byte> body)
    {
        var reader = new JuteReader(body);
        reader.ReadInt(); // protocol version
        var timeout = reader.ReadInt();
        var sessionId = reader.ReadLong();
        var password = reader.ReadBuffer() ?? [];
        // The trailing read-only flag is optional on the wire; we never request read-only mode.
        return new ConnectResult(timeout, sessionId, password);
    }
}
