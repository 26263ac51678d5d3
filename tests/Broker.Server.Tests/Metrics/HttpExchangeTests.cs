using System.Net;
using System.Net.Sockets;
using System.Text;
using Broker.Server.Metrics;

namespace Broker.Server.Tests.Metrics;

/// <summary>The metrics endpoint's HTTP: request heads read in pieces and bounded, whole responses with Content-Length.</summary>
[TestFixture]
public sealed class HttpExchangeTests
{
    [Test]
    public async Task RequestHead_SentByteByByte_IsReadWithItsPathWithoutQuery()
    {
        var (client, server) = await PairAsync();
        using (client)
        using (server)
        {
            var read = HttpExchange.ReadRequestAsync(server, CancellationToken.None);
            foreach (byte b in "GET /health/ready?x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"u8.ToArray())
                await client.SendAsync(new[] { b }, SocketFlags.None);
            Assert.That(await read, Is.EqualTo(("GET", "/health/ready")));
        }
    }

    [TestCase("GARBAGE\r\n\r\n")]
    [TestCase("GET /metrics SPDY/3\r\n\r\n")]
    public async Task MalformedRequestLine_IsNull(string head)
    {
        var (client, server) = await PairAsync();
        using (client)
        using (server)
        {
            await client.SendAsync(Encoding.ASCII.GetBytes(head), SocketFlags.None);
            Assert.That(await HttpExchange.ReadRequestAsync(server, CancellationToken.None), Is.Null);
        }
    }

    [Test]
    public async Task HeadLargerThanTheBound_IsNull_WithoutReadingFurther()
    {
        var (client, server) = await PairAsync();
        using (client)
        using (server)
        {
            await client.SendAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nX: " + new string('a', HttpExchange.MaxHeadBytes)), SocketFlags.None);
            Assert.That(await HttpExchange.ReadRequestAsync(server, CancellationToken.None), Is.Null);
        }
    }

    [Test]
    public async Task Response_HasStatusLengthAndClose_AndHeadOmitsTheBody()
    {
        foreach (bool headOnly in new[] { false, true })
        {
            var (client, server) = await PairAsync();
            using (client)
            {
                using (server)
                {
                    await HttpExchange.RespondAsync(server, 503, "text/plain; charset=utf-8", "not ready: x\n"u8.ToArray(), headOnly, CancellationToken.None);
                    server.Shutdown(SocketShutdown.Send);
                }

                string text = await ReadAllAsync(client);
                Assert.That(text, Does.StartWith("HTTP/1.1 503 Service Unavailable\r\n"));
                Assert.That(text, Does.Contain("\r\nContent-Length: 13\r\n"));
                Assert.That(text, Does.Contain("\r\nConnection: close\r\n"));
                Assert.That(text, headOnly ? Does.EndWith("\r\n\r\n") : Does.EndWith("\r\n\r\nnot ready: x\n"));
            }
        }
    }

    private static async Task<(Socket Client, Socket Server)> PairAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await client.ConnectAsync(listener.LocalEndPoint!);
        return (client, await listener.AcceptAsync());
    }

    private static async Task<string> ReadAllAsync(Socket socket)
    {
        var all = new MemoryStream();
        var buffer = new byte[4096];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None)) > 0) all.Write(buffer, 0, read);
        return Encoding.ASCII.GetString(all.ToArray());
    }
}
