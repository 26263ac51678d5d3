using System.Buffers.Binary;
using System.Diagnostics;
using Broker.Protocol;
using Broker.Protocol.Framing;
using Broker.Protocol.Messages;

namespace Broker.IntegrationTests.Wire;

/// <summary>
/// Issue 12, slowloris: a connection holding a partial request (a size prefix and then nothing, or one byte every few
/// hundred milliseconds, which resets the idle clock) is closed after socket.request.receive.timeout.ms, while other
/// connections keep being served. Before the fix such a connection stayed open forever (the drip) or for
/// connections.max.idle.ms (10 minutes, the size prefix alone).
/// </summary>
[TestFixture]
public sealed class SlowlorisTests : SingleBrokerFixture
{
    private const int TimeoutMs = 1500;

    protected override IDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["socket.request.receive.timeout.ms"] = TimeoutMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    [Test]
    public void SizePrefixThenNothing_IsClosedWithinTheBound_OtherConnectionsServed()
    {
        using var slow = new RawConnection(Broker.Port);
        var watch = Stopwatch.StartNew();
        slow.SendRaw([0, 0, 0, 100]);
        // Another connection is served while the partial request waits.
        WireOps.AssertServes(Broker.Port);
        Assert.That(slow.IsClosedByBroker(), Is.True, "closed by the broker (the read would time out after 15 s otherwise)");
        Assert.That(watch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(TimeoutMs - 100)), "not before the bound");
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromMilliseconds(TimeoutMs + 5000)), "within the bound (+ slack for a loaded machine)");
        Assert.That(Broker.Output.Any(l => l.Contains("is incomplete after socket.request.receive.timeout.ms=1500", StringComparison.Ordinal)), Is.True);
        WireOps.AssertServes(Broker.Port);
    }

    [Test]
    public async Task OneBytePerFewHundredMs_IsClosedWithinTheBound()
    {
        using var slow = new RawConnection(Broker.Port);
        using var frame = new PooledBufferWriter();
        FrameWriter.WriteRequest(frame, 1, "slowloris", new ApiVersionsRequest(), 3);
        byte[] bytes = frame.WrittenSpan.ToArray();
        using var stop = new CancellationTokenSource();
        var watch = Stopwatch.StartNew();
        // The attack's pace, not a synchronization: one byte every 300 ms keeps the connection from being idle.
        var drip = Task.Run(async () =>
        {
            try
            {
                for (int i = 0; i < bytes.Length - 1 && !stop.IsCancellationRequested; i++)
                {
                    slow.SendRaw(bytes.AsSpan(i, 1));
                    await Task.Delay(300, stop.Token);
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException) { }
        });
        try
        {
            Assert.That(slow.IsClosedByBroker(), Is.True, "closed by the broker while still dripping");
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromMilliseconds(TimeoutMs + 5000)));
        }
        finally
        {
            await stop.CancelAsync();
            await drip;
        }

        WireOps.AssertServes(Broker.Port);
    }

    [Test]
    public void RequestArrivingInPiecesWithinTheBound_IsServed_AndTheClockRestartsPerRequest()
    {
        using var c = new RawConnection(Broker.Port);
        using var frame = new PooledBufferWriter();
        FrameWriter.WriteRequest(frame, 7, "pieces", new ApiVersionsRequest(), 3);
        byte[] bytes = frame.WrittenSpan.ToArray();
        // Three requests, each in two pieces 600 ms apart: 1.8 s in all, longer than the bound, but each request
        // arrives within it.
        for (int i = 0; i < 3; i++)
        {
            c.SendRaw(bytes.AsSpan(0, 6));
            Thread.Sleep(600); // the client's pace, not a synchronization
            c.SendRaw(bytes.AsSpan(6));
            byte[] answer = c.ReceiveFrame() ?? throw new AssertionException($"request {i} not answered: the connection was closed");
            Assert.That(BinaryPrimitives.ReadInt32BigEndian(answer), Is.EqualTo(7), "the ApiVersions answer's correlation id");
        }
    }
}
