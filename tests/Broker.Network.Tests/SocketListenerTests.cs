using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Broker.Network;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Network.Tests;

/// <summary>The transport over real loopback sockets: echo, exclusive ports, graceful drain.</summary>
public sealed class SocketListenerTests
{
    /// <summary>Echoes every received byte back until the peer closes or shutdown is requested.</summary>
    private sealed class EchoHandler : IConnectionHandler
    {
        public async Task OnConnectedAsync(ConnectionContext connection)
        {
            var input = connection.Transport.Input;
            var output = connection.Transport.Output;
            while (true)
            {
                ReadResult result;
                try { result = await input.ReadAsync(connection.ShutdownRequested); }
                catch (OperationCanceledException) { return; }
                foreach (var segment in result.Buffer) await output.WriteAsync(segment);
                input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted) return;
            }
        }
    }

    private static SocketListener Listen(int port = 0) =>
        new(new ListenEndpoint("TEST", new IPEndPoint(IPAddress.Loopback, port)), new EchoHandler(), new NetworkOptions(), NullLogger.Instance);

    [Test]
    public async Task Echo_ThroughPipes_ReturnsEveryByte()
    {
        await using var listener = Listen();
        listener.Start();
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, listener.BoundEndPoint.Port);
        var stream = client.GetStream();
        byte[] payload = Encoding.ASCII.GetBytes(new string('x', 100_000));
        await stream.WriteAsync(payload);
        var received = new byte[payload.Length];
        int at = 0;
        while (at < received.Length) at += await stream.ReadAsync(received.AsMemory(at));
        Assert.That(received, Is.EqualTo(payload));
    }

    [Test]
    public async Task SecondListenerOnTheSamePort_FailsToStart()
    {
        await using var first = Listen();
        first.Start();
        await using var second = Listen(first.BoundEndPoint.Port);
        Assert.Throws<SocketException>(() => second.Start(), "two brokers must never share a port");
    }

    [Test]
    public async Task Stop_ClosesIdleConnections_AndRefusesNewOnes()
    {
        var listener = Listen();
        listener.Start();
        int port = listener.BoundEndPoint.Port;
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        await TestKit.Poll.UntilAsync(() => listener.ConnectionCount == 1, TimeSpan.FromSeconds(5), "the connection to be accepted");
        await listener.StopAsync();
        Assert.That(listener.ConnectionCount, Is.EqualTo(0));
        Assert.That(await client.GetStream().ReadAsync(new byte[1]), Is.EqualTo(0), "the idle connection is closed");
        Assert.ThrowsAsync<SocketException>(async () =>
        {
            using var late = new TcpClient();
            await late.ConnectAsync(IPAddress.Loopback, port);
        });
        await listener.DisposeAsync();
    }
}
