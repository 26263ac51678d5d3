namespace Broker.Protocol.Framing;

/// <summary>
/// Writes complete size-prefixed frames (int32 size, header, body) into a <see cref="PooledBufferWriter"/>, choosing
/// the header version from <see cref="ApiHeaders"/>. Appends after any bytes already written, so several frames can be
/// batched into one buffer. Not thread-safe (the buffer is not).
/// </summary>
public static class FrameWriter
{
    /// <summary>Appends one response frame; returns its total length including the size prefix.</summary>
    public static int WriteResponse(PooledBufferWriter output, int correlationId, IKafkaResponse response, short apiVersion)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(response);
        var start = BeginFrame(output);
        var writer = new KafkaWriter(output);
        ResponseHeader.Write(ref writer, correlationId, ApiHeaders.ResponseHeaderVersion((short)response.ApiKey, apiVersion));
        response.Write(ref writer, apiVersion);
        return EndFrame(output, start);
    }

    /// <summary>Appends one request frame (used by clients and tests); returns its total length.</summary>
    public static int WriteRequest(PooledBufferWriter output, int correlationId, string clientId, IKafkaRequest request, short apiVersion)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(request);
        var start = BeginFrame(output);
        var writer = new KafkaWriter(output);
        var header = new RequestHeader((short)request.ApiKey, apiVersion, correlationId, clientId);
        header.Write(ref writer, ApiHeaders.RequestHeaderVersion(header.ApiKey, apiVersion));
        request.Write(ref writer, apiVersion);
        return EndFrame(output, start);
    }

    private static int BeginFrame(PooledBufferWriter output)
    {
        var start = output.WrittenCount;
        output.GetSpan(FrameReader.SizePrefixLength)[..FrameReader.SizePrefixLength].Clear();
        output.Advance(FrameReader.SizePrefixLength);
        return start;
    }

    private static int EndFrame(PooledBufferWriter output, int start)
    {
        var total = output.WrittenCount - start;
        output.PatchInt32BigEndian(start, total - FrameReader.SizePrefixLength);
        return total;
    }
}
