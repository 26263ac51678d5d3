using System.Diagnostics;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.TestKit;

namespace Broker.IntegrationTests.Wire;

/// <summary>
/// Issue 12: max.connections.per.ip and connections.max.idle.ms are enforced by a real broker (they were accepted
/// and ignored: 200 of 200 connections served with a per-IP limit of 50; idle connections never closed).
/// </summary>
[TestFixture]
public sealed class ConnectionLimitWireTests : SingleBrokerFixture
{
    private const int PerIp = 4;
    private const int IdleMs = 2000;

    protected override IDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["max.connections.per.ip"] = PerIp.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["connections.max.idle.ms"] = IdleMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    [Test]
    public async Task ConnectionOverThePerIpLimit_IsClosed_AndASlotFreesWhenOneCloses()
    {
        var open = new List<RawConnection>();
        try
        {
            // A connection that closed a moment ago may still be counted (the broker uncounts it when it sees the
            // close), so each of the allowed connections is retried until it is served.
            for (int i = 0; i < PerIp; i++)
            {
                RawConnection? served = null;
                await Poll.UntilAsync(() =>
                {
                    var c = new RawConnection(Broker.Port);
                    if (IsRefused(c))
                    {
                        c.Dispose();
                        return false;
                    }

                    served = c;
                    return true;
                }, TimeSpan.FromSeconds(10), $"connection {i + 1} of {PerIp} to be served");
                open.Add(served!);
            }

            using (var extra = new RawConnection(Broker.Port))
            {
                Assert.That(IsRefused(extra), Is.True, "the fifth connection from 127.0.0.1 is closed, its request unanswered");
            }

            Assert.That(open[0].RoundTrip<ApiVersionsResponse>(new ApiVersionsRequest(), 3).ErrorCode, Is.EqualTo(0), "the others are unaffected");
            open[0].Dispose();
            open.RemoveAt(0);
            // The clean round trip on another connection: once a slot is free, a new connection is served.
            await Poll.UntilAsync(() =>
            {
                using var probe = new RawConnection(Broker.Port);
                return !IsRefused(probe);
            }, TimeSpan.FromSeconds(10), "a freed slot to be usable");
            Assert.That(Broker.Output.Any(l => l.Contains("too many connections from 127.0.0.1 (maximum = 4)", StringComparison.Ordinal)), Is.True,
                "the refusal is logged with the address and the limit");
        }
        finally
        {
            foreach (var c in open) c.Dispose();
        }
    }

    [Test]
    public void IdleConnection_IsClosedByTheBroker()
    {
        using var idle = new RawConnection(Broker.Port);
        Assert.That(idle.RoundTrip<ApiVersionsResponse>(new ApiVersionsRequest(), 3).ErrorCode, Is.EqualTo(0));
        var watch = Stopwatch.StartNew();
        // Blocks until the broker closes the connection (or the 15 s read timeout: then the assertion fails).
        Assert.That(idle.IsClosedByBroker(), Is.True, "closed after connections.max.idle.ms");
        Assert.That(watch.Elapsed, Is.GreaterThan(TimeSpan.FromMilliseconds(IdleMs - 100)).And.LessThan(TimeSpan.FromSeconds(12)));
    }

    /// <summary>True when the connection is closed by the broker instead of answering an ApiVersions request.</summary>
    private static bool IsRefused(RawConnection c)
    {
        try
        {
            return c.RoundTrip<ApiVersionsResponse>(new ApiVersionsRequest(), 3).ErrorCode != (short)ErrorCode.None;
        }
        catch (IOException)
        {
            return true;
        }
    }
}
