using System.Globalization;

namespace Broker.Server.Producers;

/// <summary>
/// Single-broker mode: the file <see cref="FileName"/> in the first log directory holds the first id not yet
/// handed out (one decimal line). Claiming a block advances it by <see cref="BlockSize"/> through a temp file, fsync
/// and rename before any id of the block is used, so a crash can skip ids but never repeat one.
/// </summary>
public sealed class FileProducerIdBlockSource(string logDir) : IProducerIdBlockSource
{
    public const string FileName = "producer-id-block";

    public const long BlockSize = 1000;

    private string FilePath => Path.Combine(logDir, FileName);

    public Task<ProducerIdRange> ClaimAsync(CancellationToken cancellationToken)
    {
        long first = ReadNext();
        if (first > long.MaxValue - BlockSize)
        {
            throw new InvalidOperationException($"Producer ids are exhausted ({FilePath} is at {first}).");
        }

        Directory.CreateDirectory(logDir);
        string tmp = FilePath + ".tmp";
        using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(System.Text.Encoding.ASCII.GetBytes((first + BlockSize).ToString(CultureInfo.InvariantCulture) + "\n"));
            stream.Flush(flushToDisk: true);
        }

        File.Move(tmp, FilePath, overwrite: true);
        return Task.FromResult(new ProducerIdRange(first, first + BlockSize - 1));
    }

    /// <exception cref="InvalidDataException">the file exists but does not hold a number: refusing beats reusing ids.</exception>
    private long ReadNext()
    {
        if (!File.Exists(FilePath))
        {
            return 0;
        }

        string text = File.ReadAllText(FilePath).Trim();
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long next)
            ? next
            : throw new InvalidDataException($"{FilePath} does not hold a producer id: '{text}'.");
    }
}
