namespace Broker.FaultSuite.Workload;

/// <summary>One acknowledged send: the value (unique per run, "cs-N"/"js-N") at the partition and offset the broker gave it.</summary>
/// <param name="AtMs">Unix time of the acknowledgment, in milliseconds.</param>
public sealed record Ack(string Client, string Value, int Partition, long Offset, long AtMs);

/// <summary>A send the client gave up on (after its own retries).</summary>
public sealed record SendFailure(string Client, string Value, int Partition, string Error, long AtMs);

/// <summary>An idempotent acks=all producer that runs until stopped and records every outcome.</summary>
public interface IProducerWorkload : IAsyncDisposable
{
    string Name { get; }

    void Start();

    /// <summary>Acknowledgments so far (a copy; safe while running).</summary>
    IReadOnlyList<Ack> Acks { get; }

    IReadOnlyList<SendFailure> Failures { get; }

    /// <summary>Stops sending and waits for outstanding sends; returns how many sends never resolved.</summary>
    Task<long> StopAsync(TimeSpan flush);

    /// <summary>A fatal client error (e.g. a fenced idempotent producer), if one occurred.</summary>
    string? Fatal { get; }
}
