using System.Buffers;
using Broker.Protocol.Framing;
using Broker.Protocol.Tests.TestSupport;

namespace Broker.Protocol.Tests.Framing;

public sealed class FrameReaderTests
{
    private static readonly byte[] ThreeFrames = Bytes.Hex("00000003 010203 00000000 00000002 0a0b");

    private static readonly byte[][] ExpectedFrames = [Bytes.Hex("010203"), [], Bytes.Hex("0a0b")];

    [Test]
    public void TryReadFrame_FedByteByByte_YieldsEveryFrameOnce()
    {
        var frames = new List<byte[]>();
        var pending = new List<byte>();
        foreach (var b in ThreeFrames)
        {
            pending.Add(b);
            var buffer = new ReadOnlySequence<byte>(pending.ToArray());
            while (FrameReader.TryReadFrame(ref buffer, 100, out var frame) == FrameStatus.Frame)
            {
                frames.Add(frame.ToArray());
            }

            pending = buffer.ToArray().ToList();
        }

        Assert.That(frames, Is.EqualTo(ExpectedFrames));
        Assert.That(pending, Is.Empty);
    }

    [Test]
    public void TryReadFrame_SplitAtEveryPosition_YieldsSameFrames()
    {
        for (var cut = 0; cut <= ThreeFrames.Length; cut++)
        {
            for (var cut2 = cut; cut2 <= ThreeFrames.Length; cut2++)
            {
                var buffer = Bytes.Segmented(ThreeFrames, cut, cut2);
                var frames = new List<byte[]>();
                while (FrameReader.TryReadFrame(ref buffer, 100, out var frame) == FrameStatus.Frame)
                {
                    frames.Add(frame.ToArray());
                }

                Assert.That(frames, Is.EqualTo(ExpectedFrames), $"cuts {cut},{cut2}");
                Assert.That(buffer.Length, Is.Zero);
            }
        }
    }

    [Test]
    public void TryReadFrame_Partial_NeedsMoreAndConsumesNothing()
    {
        var buffer = new ReadOnlySequence<byte>(Bytes.Hex("00000003 0102"));
        Assert.That(FrameReader.TryReadFrame(ref buffer, 100, out var frame), Is.EqualTo(FrameStatus.NeedMoreData));
        Assert.That(buffer.Length, Is.EqualTo(6));
        Assert.That(frame.IsEmpty, Is.True);
    }

    [Test]
    public void TryReadFrame_TooLarge_RefusedFromSizePrefixAlone()
    {
        var buffer = new ReadOnlySequence<byte>(Bytes.Hex("00100000"));
        Assert.That(FrameReader.TryReadFrame(ref buffer, 1024, out _), Is.EqualTo(FrameStatus.TooLarge));
        Assert.That(buffer.Length, Is.EqualTo(4));
    }

    [Test]
    public void TryReadFrame_NegativeSize_Reported()
    {
        var buffer = Bytes.Segmented(Bytes.Hex("ffffffff"), 2);
        Assert.That(FrameReader.TryReadFrame(ref buffer, 1024, out _), Is.EqualTo(FrameStatus.NegativeSize));
    }

    [Test]
    public void TryReadFrame_ExactlyMax_Accepted()
    {
        var buffer = new ReadOnlySequence<byte>(Bytes.Hex("00000002 0102"));
        Assert.That(FrameReader.TryReadFrame(ref buffer, 2, out var frame), Is.EqualTo(FrameStatus.Frame));
        Assert.That(frame.Length, Is.EqualTo(2));
    }
}
