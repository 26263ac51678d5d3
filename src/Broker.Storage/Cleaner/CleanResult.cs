namespace Broker.Storage.Cleaner;

/// <summary>Outcome and statistics of cleaning one log once.</summary>
/// <param name="EndOffset">Offsets below this are clean (the new cleaner checkpoint); unchanged when aborted.</param>
/// <param name="BytesRead">Bytes read: the dirty section once for the map, all cleaned segments once more.</param>
/// <param name="BytesWritten">Bytes written to cleaned segments.</param>
/// <param name="RecordsRead">Records examined by the cleaning pass.</param>
/// <param name="RecordsRemoved">Records dropped (superseded, expired tombstones, no key).</param>
/// <param name="SegmentsCleaned">Source segments replaced.</param>
/// <param name="Groups">New segments written.</param>
/// <param name="EarliestDeleteHorizonMs">Earliest delete horizon of a kept tombstone, -1 if none: the log needs
/// another cleaning then even if nothing is dirty.</param>
/// <param name="Aborted">The log changed meanwhile; nothing was replaced after that point.</param>
/// <param name="ElapsedMs">Wall time of the whole cleaning.</param>
public readonly record struct CleanResult(
    long EndOffset,
    long BytesRead,
    long BytesWritten,
    long RecordsRead,
    long RecordsRemoved,
    int SegmentsCleaned,
    int Groups,
    long EarliestDeleteHorizonMs,
    bool Aborted,
    long ElapsedMs);
