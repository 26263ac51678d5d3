namespace Broker.Fuzz.Minimize;

/// <summary>What a replayed sequence is checked for; the minimizer keeps a candidate while it shows the same kind.</summary>
public enum FailureKind
{
    /// <summary>The broker exited, or the clean round trip after the replay failed (or found a record appended).</summary>
    Crash,

    /// <summary>A connection the broker had not closed <see cref="ReplayTarget.StallAfter"/> after the client's half-close.</summary>
    Stall,

    /// <summary>The broker's handles grew (see <see cref="ReplayTarget.LeakRepeats"/>) and did not come back.</summary>
    Leak,
}
