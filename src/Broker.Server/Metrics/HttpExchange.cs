using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Broker.Server.Metrics;

/// <summary>
/// The little of HTTP/1.1 the metrics endpoint needs: read one request's head (bounded to <see cref="MaxHeadBytes"/>),
/// answer with a complete response (Content-Length, Connection: close), close. No keep-alive, no bodies in requests.
/// Stateless and thread-safe.
/// </summary>
internal static class HttpExchange
{
    /// <summary>Largest request head accepted (request line plus headers); Prometheus sends about 300 bytes.</summary>
    public const int MaxHeadBytes = 8192;

    /// <summary>The request's method and path (query removed), or null when the peer sent no complete, sane head.</summary>
    public static async Task<(string Method, string Path)?> ReadRequestAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxHeadBytes];
        int filled = 0;
        while (filled < buffer.Length)
        {
            int read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0) return null;
            filled += read;
            int end = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8);
            if (end < 0) continue;
            string head = Encoding.ASCII.GetString(buffer, 0, end);
            string[] requestLine = head[..(head.IndexOf('\r') is var cr and >= 0 ? cr : head.Length)].Split(' ');
            if (requestLine.Length != 3 || !requestLine[2].StartsWith("HTTP/1.", StringComparison.Ordinal)) return null;
            string target = requestLine[1];
            int query = target.IndexOf('?');
            return (requestLine[0], query >= 0 ? target[..query] : target);
        }

        return null;
    }

    /// <summary>Writes a whole response; <paramref name="headOnly"/> sends the headers of a HEAD request only.</summary>
    public static async Task RespondAsync(Socket socket, int status, string contentType, ReadOnlyMemory<byte> body, bool headOnly,
        CancellationToken cancellationToken)
    {
        string head = string.Create(CultureInfo.InvariantCulture,
            $"HTTP/1.1 {status} {Reason(status)}\r\nContent-Type: {contentType}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
        await using var stream = new NetworkStream(socket, ownsSocket: false); // writes every byte, unlike one send call
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), cancellationToken).ConfigureAwait(false);
        if (!headOnly && body.Length > 0) await stream.WriteAsync(body, cancellationToken).ConfigureAwait(false);
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        503 => "Service Unavailable",
        _ => "Status",
    };
}
