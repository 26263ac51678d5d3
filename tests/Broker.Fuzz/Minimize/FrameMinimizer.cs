using System.Buffers.Binary;

namespace Broker.Fuzz.Minimize;

/// <summary>
/// Reduces a failing <see cref="FrameSequence"/> with <see cref="DeltaDebugger"/>, coarse to fine: drop connections,
/// then frames within each connection, then bytes within each frame. A frame whose size prefix was truthful (its first
/// four bytes, big-endian, equal the rest's length) keeps a truthful prefix while its bytes shrink, so the broker
/// still parses the body instead of waiting for bytes that never come; a lying prefix is shrunk like any other bytes.
/// The predicate says whether a candidate still shows the failure; it is called one candidate at a time.
/// </summary>
public static class FrameMinimizer
{
    public static async Task<FrameSequence> MinimizeAsync(FrameSequence failing, Func<FrameSequence, Task<bool>> fails, TrialBudget? budget = null, TextWriter? log = null)
    {
        budget ??= new TrialBudget(int.MaxValue);

        // 1. Connections.
        var connections = await DeltaDebugger.MinimizeAsync(failing.Connections, c => fails(new FrameSequence(c)), budget).ConfigureAwait(false);
        log?.WriteLine($"minimize: connections {failing.Connections.Count} -> {connections.Count} ({budget.Used} trials)");

        // 2. Frames within each connection (the others fixed).
        var current = connections.Select(c => c.ToList()).ToList();
        for (int i = 0; i < current.Count; i++)
        {
            int at = i;
            current[at] = await DeltaDebugger.MinimizeAsync(current[at], frames => fails(With(current, at, frames.ToList())), budget).ConfigureAwait(false);
        }

        log?.WriteLine($"minimize: frames {failing.FrameCount} -> {current.Sum(c => c.Count)} ({budget.Used} trials)");

        // 3. Bytes within each frame.
        for (int i = 0; i < current.Count; i++)
        {
            for (int j = 0; j < current[i].Count; j++)
            {
                byte[] frame = current[i][j];
                bool truthfulPrefix = frame.Length >= 4 && BinaryPrimitives.ReadInt32BigEndian(frame) == frame.Length - 4;
                IReadOnlyList<byte> bytes = truthfulPrefix ? frame[4..] : frame;
                int ci = i, fj = j;
                var shrunk = await DeltaDebugger.MinimizeAsync(bytes, b =>
                {
                    var next = current.Select(c => c.ToList()).ToList();
                    next[ci][fj] = Build(b, truthfulPrefix);
                    return fails(new FrameSequence(next));
                }, budget).ConfigureAwait(false);
                current[i][j] = Build(shrunk, truthfulPrefix);
            }
        }

        var result = new FrameSequence(current);
        log?.WriteLine($"minimize: bytes {failing.ByteCount} -> {result.ByteCount} ({budget.Used} trials{(budget.Exhausted ? ", budget exhausted" : "")})");
        return result;
    }

    private static FrameSequence With(List<List<byte[]>> connections, int index, List<byte[]> frames)
    {
        var next = connections.Select(c => (IReadOnlyList<byte[]>)c).ToList();
        next[index] = frames;
        return new FrameSequence(next);
    }

    private static byte[] Build(IReadOnlyList<byte> body, bool withPrefix)
    {
        if (!withPrefix) return [.. body];
        var frame = new byte[4 + body.Count];
        BinaryPrimitives.WriteInt32BigEndian(frame, body.Count);
        for (int k = 0; k < body.Count; k++) frame[4 + k] = body[k];
        return frame;
    }
}
