namespace Broker.Coordination.Controller;

/// <summary>
/// What the controller reacts to. Watches and the session only post these; all controller logic runs on the single
/// event loop, so controller state needs no locks (Kafka's ControllerEventManager idea).
/// </summary>
internal abstract record ControllerEvent
{
    /// <summary>Try to become the controller, or follow the one in place (also: /controller changed).</summary>
    public sealed record Elect : ControllerEvent;

    public sealed record BrokersChanged : ControllerEvent;

    public sealed record TopicsChanged : ControllerEvent;

    public sealed record TopicChanged(string Topic) : ControllerEvent;

    public sealed record PartitionStateChanged(string Topic, int Partition) : ControllerEvent;

    public sealed record DeletionsRequested : ControllerEvent;

    public sealed record IsrChangesNotified : ControllerEvent;

    /// <summary>Reload everything from ZooKeeper (after a failed or conflicting write).</summary>
    public sealed record Resync : ControllerEvent;

    /// <summary>The ZooKeeper session was replaced: every ephemeral and watch of the old one is gone.</summary>
    public sealed record SessionReestablished : ControllerEvent;
}
