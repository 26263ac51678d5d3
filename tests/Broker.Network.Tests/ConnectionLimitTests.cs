using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Broker.Network;
using Broker.TestKit;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Network.Tests;

/// <summary>
/// The listener's rules over real loopback sockets: max.connections.per.ip (and overrides) closes the extra connection,
/// max.connections makes the accept loop wait for a slot, connections.max.idle.ms closes silent connections, and a
/// connection's Closed token fires when the peer leaves.
/// </summary>
public sealed class ConnectionLimitTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

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

    /// <summary>Stands for a long poll: reads nothing, returns only when the connection's Closed token fires.</summary>
    private sealed class ParkUntilClosedHandler : IConnectionHandler
    {
        public int Parked;

        public async Task OnConnectedAsync(ConnectionContext connection)
        {
            Interlocked.Increment(ref Parked);
            try { await Task.Delay(Timeout.Infinite, connection.Closed); }
            catch (OperationCanceledException) { }
            finally { Interlocked.Decrement(ref Parked); }
        }
    }

    private static SocketListener Listen(NetworkOptions options, IConnectionHandler? handler = null) =>
        new(new ListenEndpoint("TEST", new IPEndPoint(IPAddress.Loopback, 0)), handler ?? new EchoHandler(), options, NullLogger.Instance);

    private static async Task<TcpClient> ConnectAsync(SocketListener listener)
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(IPAddress.Loopback, listener.BoundEndPoint.Port);
        return client;
    }

    /// <summary>True when one byte sent comes back within the deadline (the connection is being served).</summary>
    private static async Task<bool> EchoesAsync(TcpClient client, TimeSpan within)
    {
        var stream = client.GetStream();
        try
        {
            await stream.WriteAsync(new byte[] { 42 });
            using var cts = new CancellationTokenSource(within);
            var buffer = new byte[1];
            return await stream.ReadAsync(buffer, cts.Token) == 1 && buffer[0] == 42;
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
        {
            return false;
        }
    }

    /// <summary>True when the server closed the connection (end of stream or reset) within the deadline.</summary>
    private static async Task<bool> ClosedByServerAsync(TcpClient client, TimeSpan within)
    {
        try
        {
            using var cts = new CancellationTokenSource(within);
            return await client.GetStream().ReadAsync(new byte[1], cts.Token) == 0;
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [Test]
    public async Task MaxConnectionsPerIp_ClosesTheExtraConnection_AndAcceptsAgainOnceOneLeaves()
    {
        var quotas = new ConnectionQuotas(maxPerIp: 2);
        await using var listener = Listen(new NetworkOptions { Quotas = quotas });
        listener.Start();
        using var first = await ConnectAsync(listener);
        using var second = await ConnectAsync(listener);
        Assert.That(await EchoesAsync(first, Deadline) && await EchoesAsync(second, Deadline), Is.True);

        using (var third = await ConnectAsync(listener))
        {
            Assert.That(await ClosedByServerAsync(third, Deadline), Is.True, "the connection over the per-IP limit is closed");
        }

        Assert.That(quotas.CountOf(IPAddress.Loopback), Is.EqualTo(2));
        first.Dispose();
        await Poll.UntilAsync(() => quotas.CountOf(IPAddress.Loopback) == 1, Deadline, "the closed connection to be uncounted");
        using var fourth = await ConnectAsync(listener);
        Assert.That(await EchoesAsync(fourth, Deadline), Is.True, "a slot freed by a closed connection is usable");
        Assert.That(await EchoesAsync(second, Deadline), Is.True, "the connections within the limit are unaffected");
    }

    [Test]
    public async Task PerIpOverride_ReplacesTheDefaultLimitForThatAddress()
    {
        var quotas = new ConnectionQuotas(maxPerIp: 0, overrides: new Dictionary<IPAddress, int> { [IPAddress.Loopback] = 1 });
        await using var listener = Listen(new NetworkOptions { Quotas = quotas });
        listener.Start();
        using var allowed = await ConnectAsync(listener);
        Assert.That(await EchoesAsync(allowed, Deadline), Is.True, "the override allows one connection from 127.0.0.1");
        using var refused = await ConnectAsync(listener);
        Assert.That(await ClosedByServerAsync(refused, Deadline), Is.True);
    }

    [Test]
    public async Task MaxConnections_AcceptLoopWaitsForASlot_ThenServesTheWaitingClient()
    {
        var quotas = new ConnectionQuotas(maxConnections: 2);
        await using var listener = Listen(new NetworkOptions { Quotas = quotas });
        listener.Start();
        using var first = await ConnectAsync(listener);
        using var second = await ConnectAsync(listener);
        Assert.That(await EchoesAsync(first, Deadline) && await EchoesAsync(second, Deadline), Is.True);

        // The third connects (kernel backlog) but is not accepted while two are open, as Kafka's acceptor waits.
        using var third = await ConnectAsync(listener);
        Assert.That(await EchoesAsync(third, TimeSpan.FromMilliseconds(500)), Is.False, "not served while max.connections are open");
        Assert.That(listener.ConnectionCount, Is.EqualTo(2));

        first.Dispose();
        // The byte sent above is still queued; the echo arrives once the third is accepted.
        var buffer = new byte[1];
        using var cts = new CancellationTokenSource(Deadline);
        Assert.That(await third.GetStream().ReadAsync(buffer, cts.Token), Is.EqualTo(1), "served once a slot is free");
        Assert.That(quotas.Total, Is.EqualTo(2));
    }

    [Test]
    public async Task IdleConnection_IsClosed_ActiveOneIsNot()
    {
        await using var listener = Listen(new NetworkOptions { IdleTimeout = TimeSpan.FromMilliseconds(600) });
        listener.Start();
        // Taken before connecting: the idle clock starts at accept, which is later, so the bound below holds under load.
        var started = DateTime.UtcNow;
        using var idle = await ConnectAsync(listener);
        using var active = await ConnectAsync(listener);
        var idleClosed = ClosedByServerAsync(idle, Deadline);
        while (!idleClosed.IsCompleted && DateTime.UtcNow - started < Deadline)
            Assert.That(await EchoesAsync(active, Deadline), Is.True, "a connection with traffic is never idle");
        Assert.That(await idleClosed, Is.True, "the silent connection is closed after connections.max.idle.ms");
        Assert.That(DateTime.UtcNow - started, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(590)), "not before the idle time");
        Assert.That(await EchoesAsync(active, Deadline), Is.True);
    }

    [Test]
    public async Task PeerClosing_CancelsTheConnectionsClosedToken_AndReleasesTheConnection()
    {
        var handler = new ParkUntilClosedHandler();
        await using var listener = Listen(new NetworkOptions(), handler);
        listener.Start();
        var clients = new List<TcpClient>();
        for (int i = 0; i < 20; i++) clients.Add(await ConnectAsync(listener));
        await Poll.UntilAsync(() => Volatile.Read(ref handler.Parked) == 20, Deadline, "20 parked handlers");
        foreach (var c in clients) c.Dispose();
        await Poll.UntilAsync(() => Volatile.Read(ref handler.Parked) == 0 && listener.ConnectionCount == 0, Deadline,
            "every parked handler to end when its client closed");
    }

    [Test]
    public async Task Stop_WithAParkedHandler_EndsSoonAfterTheShutdownTimeout()
    {
        var options = new NetworkOptions { ShutdownTimeout = TimeSpan.FromMilliseconds(300) };
        await using var listener = Listen(options, new ParkUntilClosedHandler());
        listener.Start();
        using var client = await ConnectAsync(listener);
        await Poll.UntilAsync(() => listener.ConnectionCount == 1, Deadline, "the connection to be accepted");
        var stop = listener.StopAsync();
        Assert.That(await Task.WhenAny(stop, Task.Delay(Deadline)), Is.SameAs(stop), "shutdown ends: the abort cancels Closed");
    }
}
