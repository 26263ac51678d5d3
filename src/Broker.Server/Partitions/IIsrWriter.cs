namespace Broker.Server.Partitions;

/// <summary>
/// Where a partition leader records a new ISR (ZooKeeper in cluster mode). Implementations compare-and-set on the
/// partition state's version, so a leader working from a stale view (deposed, or raced by the controller) fails.
/// </summary>
public interface IIsrWriter
{
    /// <summary>A writer for single-broker mode, where the ISR never changes.</summary>
    public static readonly IIsrWriter None = new NoIsrWriter();

    /// <summary>Writes the ISR; returns the new state version, or null when the expected version is stale.</summary>
    Task<int?> TryWriteIsrAsync(Partition partition, int leaderEpoch, int[] isr, int expectedVersion, CancellationToken ct);

    private sealed class NoIsrWriter : IIsrWriter
    {
        public Task<int?> TryWriteIsrAsync(Partition partition, int leaderEpoch, int[] isr, int expectedVersion, CancellationToken ct) =>
            Task.FromResult<int?>(null);
    }
}
