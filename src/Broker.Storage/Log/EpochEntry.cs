namespace Broker.Storage.Log;

/// <summary>One leader epoch and the offset of the first record written in it.</summary>
/// <param name="Epoch">Leader epoch, &gt;= 0.</param>
/// <param name="StartOffset">First offset of that epoch in the log.</param>
public readonly record struct EpochEntry(int Epoch, long StartOffset);
