using System.Buffers;

namespace Broker.Protocol;

/// <summary>
/// An opaque run of record batches as carried by the RECORDS wire type (Produce and Fetch).
/// The base class wraps a memory slice, normally of the request frame itself (no copy): it is valid only as long
/// as that frame's buffer is. Subclasses (e.g. a file region for zero-copy fetch) override <see cref="Length"/> and
/// <see cref="WriteTo"/>. Instances are immutable and safe to share between threads.
/// </summary>
public class RecordSet
{
    public RecordSet(ReadOnlyMemory<byte> memory)
    {
        Memory = memory;
    }

    /// <summary>For subclasses that produce their bytes lazily; <see cref="Memory"/> is then empty.</summary>
    protected RecordSet()
    {
    }

    /// <summary>The wrapped bytes; empty for subclasses that do not hold their bytes in memory.</summary>
    public ReadOnlyMemory<byte> Memory { get; }

    /// <summary>Exact number of bytes <see cref="WriteTo"/> will write; used for the length prefix.</summary>
    public virtual int Length => Memory.Length;

    /// <summary>Writes exactly <see cref="Length"/> bytes.</summary>
    public virtual void WriteTo(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write(Memory.Span);
    }
}
