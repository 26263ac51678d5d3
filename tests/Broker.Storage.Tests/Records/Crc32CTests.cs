using System.Text;
using Broker.Protocol.Records;

namespace Broker.Storage.Tests.Records;

public class Crc32CTests
{
    [Test]
    public void Compute_CheckString_MatchesKnownAnswer()
    {
        Assert.That(Crc32C.Compute("123456789"u8), Is.EqualTo(0xE3069283u));
    }

    [Test]
    public void Compute_KnownVectors_FromRfc3720()
    {
        Assert.That(Crc32C.Compute(new byte[32]), Is.EqualTo(0x8A9136AAu));
        Assert.That(Crc32C.Compute(Enumerable.Repeat((byte)0xFF, 32).ToArray()), Is.EqualTo(0x62A8AB43u));
        Assert.That(Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()), Is.EqualTo(0x46DD794Eu));
        Assert.That(Crc32C.Compute([]), Is.EqualTo(0u));
    }

    [Test]
    public void Append_InPieces_EqualsWhole([Values(0, 1, 7, 8, 9, 63, 1000)] int split)
    {
        byte[] data = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("The quick brown fox ", 60)));
        uint whole = Crc32C.Compute(data);
        Assert.That(Crc32C.Append(Crc32C.Compute(data.AsSpan(0, split)), data.AsSpan(split)), Is.EqualTo(whole));
    }

    [Test]
    public void AppendPortable_AgreesWithHardwarePath([Values(0, 1, 5, 8, 13, 64, 4099)] int length)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);
        Assert.That(Crc32C.AppendPortable(0, data), Is.EqualTo(Crc32C.Compute(data)));
        Assert.That(Crc32C.AppendPortable(0, "123456789"u8), Is.EqualTo(0xE3069283u));
    }
}
