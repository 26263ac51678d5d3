using System.Text;
using Broker.Perf.Cli;

namespace Broker.Perf.Producer;

/// <summary>
/// The record values to send, built once before the hot loop: either one buffer of <c>--record-size</c> random
/// upper-case letters (as Kafka's tool fills it) that every send reuses, or the payloads of <c>--payload-file</c>
/// split by the delimiter, from which each send picks one at random. Nothing is allocated per record.
/// Thread-safety: immutable after construction; <see cref="Next"/> takes the caller's Random.
/// </summary>
internal sealed class PayloadSource
{
    private readonly byte[][] _payloads;

    private PayloadSource(byte[][] payloads) => _payloads = payloads;

    public int Count => _payloads.Length;

    public static PayloadSource FixedSize(int recordSize)
    {
        if (recordSize < 0) throw new UsageException("--record-size must not be negative");
        var payload = new byte[recordSize];
        var random = new Random(0);
        for (int i = 0; i < payload.Length; i++) payload[i] = (byte)('A' + random.Next(26));
        return new PayloadSource([payload]);
    }

    public static PayloadSource FromFile(string path, string delimiter)
    {
        if (!File.Exists(path)) throw new UsageException($"payload file '{path}' not found");
        string text = File.ReadAllText(path, Encoding.UTF8);
        var payloads = text.Split(delimiter).Where(p => p.Length > 0).Select(Encoding.UTF8.GetBytes).ToArray();
        if (payloads.Length == 0) throw new UsageException($"File is empty: {path}");
        Console.Out.WriteLine($"Number of messages read: {payloads.Length}");
        return new PayloadSource(payloads);
    }

    public byte[] Next(Random random) => _payloads.Length == 1 ? _payloads[0] : _payloads[random.Next(_payloads.Length)];
}
