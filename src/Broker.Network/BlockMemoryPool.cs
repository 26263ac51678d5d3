using System.Buffers;
using System.Collections.Concurrent;

namespace Broker.Network;

/// <summary>
/// A <see cref="MemoryPool{T}"/> of fixed-size pinned blocks for the connection pipes. Large blocks mean one
/// <c>recv</c>/<c>send</c> per block instead of per 4–8 KiB default segment, and reusing them (instead of the
/// <see cref="ArrayPool{T}.Shared"/> arrays the default pool drains under load) keeps the receive path
/// allocation-free. At most <see cref="MaxRetainedBlocks"/> idle blocks are kept; the rest are left to the GC.
/// Thread-safety: Rent and the owners' Dispose may be called from any thread. An owner must be disposed once.
/// </summary>
public sealed class BlockMemoryPool : MemoryPool<byte>
{
    private readonly ConcurrentStack<Block> _free = new();
    private int _freeCount;

    /// <param name="blockSize">Size of every block in bytes.</param>
    /// <param name="maxRetainedBlocks">Idle blocks kept for reuse.</param>
    public BlockMemoryPool(int blockSize = 64 * 1024, int maxRetainedBlocks = 256)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 16);
        ArgumentOutOfRangeException.ThrowIfNegative(maxRetainedBlocks);
        BlockSize = blockSize;
        MaxRetainedBlocks = maxRetainedBlocks;
    }

    /// <summary>One pool for all connections of the process.</summary>
    public static BlockMemoryPool Connections { get; } = new();

    public int BlockSize { get; }

    public int MaxRetainedBlocks { get; }

    public override int MaxBufferSize => BlockSize;

    /// <summary>Blocks currently idle in the pool (for tests and metrics).</summary>
    public int RetainedBlocks => Volatile.Read(ref _freeCount);

    /// <summary>Returns a whole block; <paramref name="minBufferSize"/> above <see cref="BlockSize"/> throws.</summary>
    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        if (_free.TryPop(out var block))
        {
            Interlocked.Decrement(ref _freeCount);
            block.Reset();
            return block;
        }

        return new Block(this, GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true));
    }

    protected override void Dispose(bool disposing)
    {
        // Blocks are plain pinned arrays; dropping them is enough.
    }

    private void Return(Block block)
    {
        if (Interlocked.Increment(ref _freeCount) <= MaxRetainedBlocks)
        {
            _free.Push(block);
        }
        else
        {
            Interlocked.Decrement(ref _freeCount);
        }
    }

    private sealed class Block(BlockMemoryPool pool, byte[] array) : IMemoryOwner<byte>
    {
        private int _returned;

        public Memory<byte> Memory => _returned == 0 ? array : throw new ObjectDisposedException(nameof(Block));

        public void Reset() => _returned = 0;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _returned, 1) == 0) pool.Return(this);
        }
    }
}
