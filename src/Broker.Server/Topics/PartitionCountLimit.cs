using System.Globalization;

namespace Broker.Server.Topics;

/// <summary>
/// The most partitions one CreateTopics entry or CreatePartitions total may ask for, checked by the handlers before
/// anything is allocated or created. It derives from open-file headroom: every partition hosted here keeps
/// <see cref="FilesPerPartition"/> descriptors open (log, offset index, time index of its active segment), a quarter
/// of the process's soft <c>RLIMIT_NOFILE</c> stays reserved for sockets, segment rolls and checkpoints, and the rest,
/// minus what is open now, is what new partitions may use. Conservative in ZooKeeper mode (the partitions of a topic are
/// spread over brokers, but any broker may host all of them). Where the limits cannot be read (not Linux) the limit is
/// <see cref="FallbackLimit"/>. Thread-safe (reads the process's state each call).
/// </summary>
public sealed class PartitionCountLimit
{
    public const int FilesPerPartition = 3;

    public const int FallbackLimit = 10_000;

    private readonly Func<(long SoftLimit, long Open)?> _descriptors;

    public PartitionCountLimit()
        : this(ReadDescriptors)
    {
    }

    /// <summary>For tests: <paramref name="descriptors"/> reports the soft limit and the descriptors open now.</summary>
    public PartitionCountLimit(Func<(long SoftLimit, long Open)?> descriptors) => _descriptors = descriptors;

    /// <summary>The current limit (at least 1).</summary>
    public int Current(out string basis)
    {
        if (_descriptors() is not { } d)
        {
            basis = "fixed limit: open-file limits unreadable";
            return FallbackLimit;
        }

        long free = d.SoftLimit - d.SoftLimit / 4 - d.Open;
        long limit = Math.Clamp(free / FilesPerPartition, 1, int.MaxValue);
        basis = string.Create(CultureInfo.InvariantCulture,
            $"open-file limit {d.SoftLimit}, {d.Open} open, a quarter reserved, {FilesPerPartition} per partition");
        return (int)limit;
    }

    /// <summary>Null when <paramref name="partitions"/> is within the limit, else the error message to answer with.</summary>
    public string? Check(long partitions)
    {
        int limit = Current(out string basis);
        return partitions <= limit
            ? null
            : string.Create(CultureInfo.InvariantCulture,
                $"Number of partitions {partitions} exceeds this broker's limit of {limit} ({basis}); nothing was created.");
    }

    /// <summary>The process's soft open-file limit and the descriptors open now; null where unreadable (not Linux).</summary>
    public static (long SoftLimit, long Open)? ReadDescriptors()
    {
        try
        {
            if (!OperatingSystem.IsLinux()) return null;
            long? soft = null;
            foreach (var line in File.ReadLines("/proc/self/limits"))
            {
                if (!line.StartsWith("Max open files", StringComparison.Ordinal)) continue;
                var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                soft = fields[0] == "unlimited" ? int.MaxValue : long.Parse(fields[0], CultureInfo.InvariantCulture);
            }

            if (soft is null) return null;
            long open = Directory.EnumerateFileSystemEntries("/proc/self/fd").LongCount();
            return (soft.Value, open);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}
