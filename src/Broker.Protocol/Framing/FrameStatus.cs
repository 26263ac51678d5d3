namespace Broker.Protocol.Framing;

/// <summary>Outcome of <see cref="FrameReader.TryReadFrame"/>.</summary>
public enum FrameStatus
{
    /// <summary>Not enough bytes yet for the size prefix or the body; nothing was consumed.</summary>
    NeedMoreData,

    /// <summary>A complete frame was returned and consumed from the buffer.</summary>
    Frame,

    /// <summary>The size prefix exceeds the limit; the connection should be closed. Nothing was consumed.</summary>
    TooLarge,

    /// <summary>The size prefix is negative; the connection should be closed. Nothing was consumed.</summary>
    NegativeSize,
}
