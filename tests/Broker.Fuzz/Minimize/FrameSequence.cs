using System.Buffers.Binary;

namespace Broker.Fuzz.Minimize;

/// <summary>
/// What a fuzzer failure replays: connections in order, each the frames (size prefix included, as sent, possibly a
/// lying one) sent back to back on it. File format (<c>.frames</c>): repeated int32 little-endian length then that many
/// bytes; a length of -1 ends a connection. A file without any -1 (written before connections were recorded) is read
/// as one frame per connection. Immutable once built.
/// </summary>
public sealed record FrameSequence(IReadOnlyList<IReadOnlyList<byte[]>> Connections)
{
    private const int EndOfConnection = -1;

    public int FrameCount => Connections.Sum(c => c.Count);

    public long ByteCount => Connections.Sum(c => c.Sum(f => (long)f.Length));

    public void Write(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var output = File.Create(path);
        var length = new byte[4];
        foreach (var connection in Connections)
        {
            foreach (var frame in connection)
            {
                BinaryPrimitives.WriteInt32LittleEndian(length, frame.Length);
                output.Write(length);
                output.Write(frame);
            }

            BinaryPrimitives.WriteInt32LittleEndian(length, EndOfConnection);
            output.Write(length);
        }
    }

    public static FrameSequence Read(string path)
    {
        byte[] data = File.ReadAllBytes(path);
        var connections = new List<IReadOnlyList<byte[]>>();
        var current = new List<byte[]>();
        bool separated = false;
        for (int at = 0; at + 4 <= data.Length;)
        {
            int length = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(at));
            at += 4;
            if (length == EndOfConnection)
            {
                separated = true;
                connections.Add(current);
                current = [];
                continue;
            }

            if (length < 0 || length > data.Length - at) throw new InvalidDataException($"{path}: bad frame length {length} at byte {at - 4}");
            current.Add(data.AsSpan(at, length).ToArray());
            at += length;
        }

        if (!separated) return new FrameSequence(current.Select(f => (IReadOnlyList<byte[]>)[f]).ToList());
        if (current.Count > 0) connections.Add(current);
        return new FrameSequence(connections);
    }

    public override string ToString() => $"{Connections.Count} connection(s), {FrameCount} frame(s), {ByteCount} bytes";
}
