using System.IO.Pipelines;

namespace Broker.Server.Requests;

/// <summary>
/// Bounds how long a connection may hold a partially received request (<c>socket.request.receive.timeout.ms</c>), so a
/// slowloris client (a size prefix and then nothing, or one byte every few seconds) cannot keep a socket and its
/// buffered bytes forever: any byte resets Kafka's idle clock, so <c>connections.max.idle.ms</c> never closes it.
/// The clock starts at the first byte of a request and stops when the request is complete; when it runs out the timer
/// cancels the frame loop's pending read, and the loop, seeing <see cref="HasExpired"/>, closes the connection.
/// Thread-safety: <see cref="Start"/>, <see cref="Stop"/> and <see cref="HasExpired"/> are called by the frame loop
/// only; the timer callback only calls <see cref="PipeReader.CancelPendingRead"/>, which is safe from any thread, and a
/// cancellation arriving after <see cref="Stop"/> is a harmless extra wake-up (<see cref="HasExpired"/> is then false).
/// </summary>
internal sealed class PartialRequestDeadline : IDisposable
{
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly PipeReader _input;
    private ITimer? _timer;
    private long _since = -1;

    /// <param name="timeout">The bound; <see cref="Timeout.InfiniteTimeSpan"/> (or any value ≤ 0) disables it.</param>
    public PartialRequestDeadline(TimeSpan timeout, TimeProvider time, PipeReader input)
    {
        _timeout = timeout;
        _time = time;
        _input = input;
    }

    private bool Enabled => _timeout > TimeSpan.Zero;

    /// <summary>How long the current partial request has been arriving (zero when none is).</summary>
    public TimeSpan Elapsed => _since < 0 ? TimeSpan.Zero : _time.GetElapsedTime(_since);

    /// <summary>True when a partial request has been arriving for at least the timeout.</summary>
    public bool HasExpired => Enabled && _since >= 0 && Elapsed >= _timeout;

    /// <summary>A request has begun arriving: starts the clock unless it already runs for this request.</summary>
    public void Start()
    {
        if (!Enabled || _since >= 0) return;
        _since = _time.GetTimestamp();
        _timer ??= _time.CreateTimer(static s => ((PipeReader)s!).CancelPendingRead(), _input, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(_timeout, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// The timer woke the reader but <see cref="HasExpired"/> is still false: timers may fire a little before the
    /// timestamp clock says the timeout has passed (their clock is coarser), and the timer is one-shot, so without this
    /// a request still incomplete would never be woken again. Arms it for what is left (at least 1 ms).
    /// </summary>
    public void Rearm()
    {
        if (!Enabled || _since < 0 || _timer is null) return;
        var left = _timeout - Elapsed;
        _timer.Change(left > TimeSpan.FromMilliseconds(1) ? left : TimeSpan.FromMilliseconds(1), Timeout.InfiniteTimeSpan);
    }

    /// <summary>The request is complete (or none is pending): stops the clock.</summary>
    public void Stop()
    {
        if (_since < 0) return;
        _since = -1;
        _timer!.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public void Dispose() => _timer?.Dispose();
}
