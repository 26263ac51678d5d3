namespace Broker.Fuzz.Probe;

/// <summary>
/// Resident memory and open handles of a process, from /proc (Linux). Handles are split: <see cref="LogFiles"/> are
/// descriptors of files under the broker's log dirs (segments and indexes of partitions, which a CreateTopics the
/// mutations made valid may legitimately add); <see cref="Modules"/> are the runtime's and the broker's assemblies and
/// native libraries (and symbol files, read for stack traces), opened once when a code path first needs them (a mutated frame reaching a codec loads its
/// assembly) and never closed; <see cref="Handles"/> are all the others (sockets, pipes, epoll, other files), which
/// must return to the baseline once the hostile connections are gone.
/// </summary>
public sealed record ProcessSnapshot(long RssKiB, int Handles, int Sockets, int LogFiles, int Modules)
{
    /// <summary>Handles other than log files by kind ("socket", "pipe", "anon_inode:[eventpoll]", a file's folder).</summary>
    public IReadOnlyDictionary<string, int> Kinds { get; init; } = new Dictionary<string, int>();

    /// <summary>The kinds whose count differs from <paramref name="other"/>'s, for a failure message.</summary>
    public string KindsChangedFrom(ProcessSnapshot other) =>
        string.Join(", ", Kinds.Keys.Union(other.Kinds.Keys).Order(StringComparer.Ordinal)
            .Where(k => Kinds.GetValueOrDefault(k) != other.Kinds.GetValueOrDefault(k))
            .Select(k => $"{k}: {other.Kinds.GetValueOrDefault(k)} -> {Kinds.GetValueOrDefault(k)}"));

    public static ProcessSnapshot Take(int pid, string logDir)
    {
        long rss = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (!line.StartsWith("VmRSS:", StringComparison.Ordinal)) continue;
            rss = long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture);
            break;
        }

        int handles = 0, sockets = 0, logFiles = 0, modules = 0;
        var kinds = new Dictionary<string, int>();
        foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
        {
            string? target;
            try { target = new FileInfo(fd).LinkTarget; }
            catch (IOException) { continue; } // closed while we looked
            catch (UnauthorizedAccessException) { continue; }

            if (target is not null && target.StartsWith(logDir, StringComparison.Ordinal)) logFiles++;
            else if (target is not null && (target.EndsWith(".dll", StringComparison.Ordinal) || target.EndsWith(".pdb", StringComparison.Ordinal) || target.EndsWith(".so", StringComparison.Ordinal) || target.Contains(".so.", StringComparison.Ordinal))) modules++;
            else
            {
                handles++;
                string kind = target is null ? "?" : target.Contains(":[", StringComparison.Ordinal) && !target.StartsWith("anon_inode", StringComparison.Ordinal)
                    ? target[..target.IndexOf(':', StringComparison.Ordinal)] : target.StartsWith('/') ? Path.GetDirectoryName(target) ?? target : target;
                kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
                if (target is not null && target.StartsWith("socket:", StringComparison.Ordinal)) sockets++;
            }
        }

        return new ProcessSnapshot(rss, handles, sockets, logFiles, modules) { Kinds = kinds };
    }

    public override string ToString() => $"RSS {RssKiB / 1024.0:F1} MiB, {Handles} handles ({Sockets} sockets) + {LogFiles} log files + {Modules} modules";
}
