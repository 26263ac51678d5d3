using Broker.Storage.Log;

namespace Broker.Storage.Cleaner;

/// <summary>A log the cleaner may clean now, with the sizes its choice was based on (Kafka's LogToClean).</summary>
/// <param name="Log">The log.</param>
/// <param name="FirstDirtyOffset">Offsets below this were cleaned before (the cleaner-offset-checkpoint).</param>
/// <param name="UpperBound">First uncleanable offset: min(active segment base, high watermark, first segment younger
/// than min.compaction.lag.ms).</param>
/// <param name="CleanBytes">Bytes of the segments below the first dirty offset.</param>
/// <param name="DirtyBytes">Bytes of the cleanable dirty segments.</param>
/// <param name="Forced">max.compaction.lag.ms has passed for the oldest dirty record, or a tombstone's delete
/// horizon: cleaned whatever the ratio.</param>
public sealed record LogToClean(PartitionLog Log, long FirstDirtyOffset, long UpperBound, long CleanBytes, long DirtyBytes, bool Forced)
{
    /// <summary>Dirty share of the cleanable part, 0..1.</summary>
    public double DirtyRatio => CleanBytes + DirtyBytes == 0 ? 0 : (double)DirtyBytes / (CleanBytes + DirtyBytes);
}
