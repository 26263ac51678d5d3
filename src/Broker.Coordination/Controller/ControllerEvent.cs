namespace Broker.Coordination.Controller;

/// <summary>
/// What the controller reacts to. Watches, timers, the session and callers only post these; all controller logic
/// runs on the single event loop, so controller state needs no locks (Kafka's ControllerEventManager idea).
/// </summary>
internal abstract record ControllerEvent
{
    /// <summary>Completes the caller waiting on this event, if any, with <paramref name="error"/>; no-op otherwise.</summary>
    public virtual void Fail(Exception error)
    {
    }

    /// <summary>Try to become the controller, or follow the one in place (also: /controller changed).</summary>
    public sealed record Elect : ControllerEvent;

    public sealed record BrokersChanged : ControllerEvent;

    public sealed record TopicsChanged : ControllerEvent;

    public sealed record TopicChanged(string Topic) : ControllerEvent;

    /// <summary>Re-read one partition's state and bring it in line (after conflicts that outlasted the retries).</summary>
    public sealed record PartitionStateChanged(string Topic, int Partition) : ControllerEvent;

    public sealed record DeletionsRequested : ControllerEvent;

    /// <summary>Children of /isr_change_notification changed: leaders rewrote ISRs.</summary>
    public sealed record IsrChangesNotified : ControllerEvent;

    /// <summary>A broker asks to move its leadership away; the reply lists the partitions it still leads.</summary>
    public sealed record ControlledShutdown(int BrokerId, long BrokerEpoch, TaskCompletionSource<IReadOnlyList<(string Topic, int Partition)>> Reply) : ControllerEvent
    {
        public override void Fail(Exception error) => Reply.TrySetException(error);
    }

    /// <summary>Auto leader rebalance check (timer: no reply; tests: a reply when done).</summary>
    public sealed record PreferredElection(TaskCompletionSource? Reply) : ControllerEvent
    {
        public override void Fail(Exception error) => Reply?.TrySetException(error);
    }

    /// <summary>An admin's ElectLeaders (KIP-460): null partitions means every partition; the reply has one outcome per partition.</summary>
    public sealed record ElectLeaders(bool Unclean, IReadOnlyList<(string Topic, int Partition)>? Partitions,
        TaskCompletionSource<IReadOnlyList<ElectionOutcome>> Reply) : ControllerEvent
    {
        public override void Fail(Exception error) => Reply.TrySetException(error);
    }

    /// <summary>Runs <paramref name="Run"/> on the loop (tests read loop-owned state through it).</summary>
    public sealed record Inspect(Action Run, TaskCompletionSource Reply) : ControllerEvent
    {
        public override void Fail(Exception error) => Reply.TrySetException(error);
    }

    /// <summary>Reload everything from ZooKeeper (after a failed or conflicting write).</summary>
    public sealed record Resync : ControllerEvent;

    /// <summary>The ZooKeeper session was replaced: every ephemeral and watch of the old one is gone.</summary>
    public sealed record SessionReestablished : ControllerEvent;
}
