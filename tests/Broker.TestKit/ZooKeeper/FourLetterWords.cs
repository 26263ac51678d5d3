using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Broker.TestKit.ZooKeeper;

/// <summary>ZooKeeper's admin commands ("ruok", "srvr", "stat", …) sent over the client port.</summary>
public static class FourLetterWords
{
    /// <summary>Sends <paramref name="command"/> and returns the reply, or null if the server did not answer.</summary>
    public static async Task<string?> SendAsync(int port, string command, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(timeout);
        try
        {
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), attempt.Token).ConfigureAwait(false);
            await socket.SendAsync(Encoding.ASCII.GetBytes(command), attempt.Token).ConfigureAwait(false);
            var reply = new StringBuilder();
            var buffer = new byte[4096];
            int read;
            while ((read = await socket.ReceiveAsync(buffer, attempt.Token).ConfigureAwait(false)) > 0)
            {
                reply.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            return reply.ToString();
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or IOException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>The "Mode:" line of "srvr" (standalone, leader, follower), or null while not serving.</summary>
    public static async Task<string?> GetModeAsync(int port, CancellationToken cancellationToken = default)
    {
        var reply = await SendAsync(port, "srvr", TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
        var line = reply?.Split('\n').FirstOrDefault(l => l.StartsWith("Mode:", StringComparison.Ordinal));
        return line?["Mode:".Length..].Trim();
    }
}
