using System.Text;

namespace Broker.Perf.Producer;

/// <summary>
/// The record keys of <c>--key-space N</c>: the ASCII keys <c>key-0</c> … <c>key-(N-1)</c>, built once before the hot
/// loop; each send draws one uniformly with the caller's Random, so after many records per key most records are
/// superseded by a later one with the same key (the workload of a compacted topic). Nothing is allocated per record.
/// Thread-safety: immutable after construction.
/// </summary>
internal sealed class KeySource
{
    /// <summary>Largest key space: each prebuilt key costs about 40 bytes of heap, so at most about 40 MB.</summary>
    public const int MaxKeys = 1_000_000;

    private readonly byte[][] _keys;

    public KeySource(int count)
    {
        _keys = new byte[count][];
        for (int i = 0; i < count; i++) _keys[i] = Encoding.ASCII.GetBytes($"key-{i}");
    }

    public int Count => _keys.Length;

    public byte[] Next(Random random) => _keys[random.Next(_keys.Length)];
}
