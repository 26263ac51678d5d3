using System.Buffers.Binary;
using Broker.Fuzz.Minimize;

namespace Broker.IntegrationTests.Wire;

/// <summary>
/// The fuzzer's minimizer (tests/Broker.Fuzz/Minimize) on synthetic predicates, no broker: milliseconds. A real
/// failure's predicate is a replay on a fresh broker (<see cref="ReplayTarget"/>); the reduction logic is the same.
/// </summary>
[TestFixture]
public sealed class FrameMinimizerTests
{
    private static byte[] Frame(params byte[] body)
    {
        var f = new byte[4 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(f, body.Length);
        body.CopyTo(f, 4);
        return f;
    }

    private static FrameSequence Noise(Random random, byte[] x, byte[] y)
    {
        var connections = new List<IReadOnlyList<byte[]>>();
        for (int c = 0; c < 40; c++)
        {
            var frames = new List<byte[]>();
            for (int f = 0; f < 1 + random.Next(16); f++)
            {
                var body = new byte[8 + random.Next(40)];
                random.NextBytes(body);
                body[0] = 0; // never 0xEE: X and Y are the only frames that start with it
                frames.Add(Frame(body));
            }

            if (c == 11) frames.Insert(3, x);
            if (c == 29) frames.Add(y);
            connections.Add(frames);
        }

        return new FrameSequence(connections);
    }

    [Test]
    public async Task DdMin_FindsTheTwoElementsThatTogetherFail()
    {
        var input = Enumerable.Range(0, 1000).ToList();
        int calls = 0;
        var minimal = await DeltaDebugger.MinimizeAsync(input, c => { calls++; return Task.FromResult(c.Contains(137) && c.Contains(802)); });
        Assert.That(minimal, Is.EqualTo(new[] { 137, 802 }));
        Assert.That(calls, Is.LessThan(200), "logarithmic in the input, not quadratic");
    }

    [Test]
    public async Task SequenceContainingFramesXAndY_ReducesToExactlyXAndY_InTheirConnections()
    {
        byte[] x = Frame(0xEE, 1, 2, 3, 4, 5, 6, 7, 8, 9), y = Frame(0xEE, 0xFF, 9, 9, 9);
        var failing = Noise(new Random(12), x, y);
        static bool HasFrame(FrameSequence s, byte[] f) => s.Connections.Any(c => c.Any(g => g.AsSpan().SequenceEqual(f)));
        Task<bool> Fails(FrameSequence s) => Task.FromResult(HasFrame(s, x) && HasFrame(s, y));

        var minimal = await FrameMinimizer.MinimizeAsync(failing, Fails);

        Assert.That(minimal.Connections, Has.Count.EqualTo(2));
        Assert.That(minimal.Connections.Select(c => c.Single()), Is.EqualTo(new[] { x, y }), "frames whole: the predicate needs their exact bytes");
    }

    [Test]
    public async Task BytesShrink_AndATruthfulSizePrefixStaysTruthful()
    {
        // Fails while some frame's body holds 0xDE then 0xAD anywhere after it (the bytes a crash might need).
        var failing = Noise(new Random(3), Frame(1, 2, 0xDE, 3, 4, 5, 0xAD, 6, 7), Frame(8, 9));
        static bool Fails(FrameSequence s) => s.Connections.Any(c => c.Any(f =>
        {
            int de = Array.IndexOf(f, (byte)0xDE, 4);
            return de >= 0 && Array.IndexOf(f, (byte)0xAD, de + 1) > 0;
        }));
        Assume.That(Fails(failing), Is.True);

        var minimal = await FrameMinimizer.MinimizeAsync(failing, s => Task.FromResult(Fails(s)));

        var frame = minimal.Connections.Single().Single();
        Assert.That(frame, Is.EqualTo(Frame(0xDE, 0xAD)), "two body bytes behind a prefix that says 2");
    }

    [Test]
    public async Task Budget_StopsTheSearch_WithAStillFailingSequence()
    {
        byte[] x = Frame(0xEE, 1), y = Frame(0xEE, 2);
        var failing = Noise(new Random(5), x, y);
        var budget = new TrialBudget(10);
        int calls = 0;
        var result = await FrameMinimizer.MinimizeAsync(failing, s =>
        {
            calls++;
            return Task.FromResult(s.Connections.Any(c => c.Any(f => f.AsSpan().SequenceEqual(x))) && s.Connections.Any(c => c.Any(f => f.AsSpan().SequenceEqual(y))));
        }, budget);
        Assert.That(calls, Is.LessThanOrEqualTo(10));
        Assert.That(result.FrameCount, Is.LessThan(failing.FrameCount));
        Assert.That(result.Connections.Any(c => c.Any(f => f.AsSpan().SequenceEqual(x))), Is.True, "what is returned still fails");
    }

    [Test]
    public void FramesFile_RoundTripsConnections_AndReadsTheOlderFlatFormatAsOneFramePerConnection()
    {
        using var dir = new Broker.TestKit.TempDirectory();
        var sequence = new FrameSequence([[Frame(1), Frame(2, 3)], [Frame(4)]]);
        string path = Path.Combine(dir.Path, "s.frames");
        sequence.Write(path);
        var read = FrameSequence.Read(path);
        Assert.That(read.Connections.Select(c => c.Count), Is.EqualTo(new[] { 2, 1 }));
        Assert.That(read.Connections[0][1], Is.EqualTo(Frame(2, 3)));

        string flat = Path.Combine(dir.Path, "flat.frames");
        using (var f = File.Create(flat))
            foreach (var frame in new[] { Frame(1), Frame(2) }) { f.Write(BitConverter.GetBytes(frame.Length)); f.Write(frame); }
        Assert.That(FrameSequence.Read(flat).Connections.Select(c => c.Count), Is.EqualTo(new[] { 1, 1 }));
    }
}
