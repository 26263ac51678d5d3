using System.IO.Pipelines;
using Broker.Server.Requests;
using Microsoft.Extensions.Time.Testing;

namespace Broker.Server.Tests.Requests;

/// <summary>
/// socket.request.receive.timeout.ms when the timer fires before the timestamp clock reaches the timeout (timers run on
/// a coarser clock). A full-suite run once kept a size-prefix-only connection open past 15 s with a 1.5 s bound: the
/// one-shot timer had fired early, the frame loop saw "not expired" and read on, and nothing woke it again.
/// </summary>
[TestFixture]
public sealed class PartialRequestDeadlineTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(1500);

    [Test]
    public async Task TimerFiringEarly_IsRearmed_AndTheDeadlineExpiresWhenReallyDue()
    {
        var clock = new FakeTimeProvider();
        var pipe = new Pipe();
        using var deadline = new PartialRequestDeadline(Timeout, new EarlyTimers(clock, TimeSpan.FromMilliseconds(5)), pipe.Reader);
        deadline.Start();

        clock.Advance(Timeout - TimeSpan.FromMilliseconds(5)); // the early timer fires here
        var woken = await pipe.Reader.ReadAsync();
        pipe.Reader.AdvanceTo(woken.Buffer.Start);
        Assert.That(woken.IsCanceled, Is.True, "the timer woke the reader");
        Assert.That(deadline.HasExpired, Is.False, "5 ms before the timeout");

        deadline.Rearm();
        var next = pipe.Reader.ReadAsync();
        clock.Advance(TimeSpan.FromMilliseconds(5));
        var again = await next.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(again.IsCanceled, Is.True, "woken again once really due");
        Assert.That(deadline.HasExpired, Is.True);
    }

    [Test]
    public async Task Stop_DisarmsTheTimer_AndRearmDoesNothingWithoutAPartialRequest()
    {
        var clock = new FakeTimeProvider();
        var pipe = new Pipe();
        using var deadline = new PartialRequestDeadline(Timeout, clock, pipe.Reader);
        deadline.Start();
        deadline.Stop();
        deadline.Rearm();
        var read = pipe.Reader.ReadAsync();
        clock.Advance(Timeout * 2);
        Assert.That(read.IsCompleted, Is.False, "no wake-up after Stop");
        Assert.That(deadline.HasExpired, Is.False);
        await pipe.Writer.CompleteAsync();
        await read;
    }

    /// <summary>A clock whose timers fire <c>early</c> before their due time, as coarse OS timers may.</summary>
    private sealed class EarlyTimers(FakeTimeProvider inner, TimeSpan early) : TimeProvider
    {
        public override long GetTimestamp() => inner.GetTimestamp();

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            new Early(inner.CreateTimer(callback, state, Shift(dueTime), period), this);

        private TimeSpan Shift(TimeSpan due) => due == global::System.Threading.Timeout.InfiniteTimeSpan || due <= early ? due : due - early;

        private sealed class Early(ITimer timer, EarlyTimers owner) : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => timer.Change(owner.Shift(dueTime), period);

            public void Dispose() => timer.Dispose();

            public ValueTask DisposeAsync() => timer.DisposeAsync();
        }
    }
}
