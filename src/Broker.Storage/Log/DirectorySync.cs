using System.Runtime.InteropServices;

namespace Broker.Storage.Log;

/// <summary>
/// fsync of a directory (Kafka's Utils.flushDir): makes file creations, renames and deletions in it durable, which an
/// fsync of the files themselves does not. POSIX only; on Windows (where NTFS journals metadata and a directory cannot
/// be opened for flushing) it does nothing, as Kafka skips it there. Thread-safe.
/// </summary>
internal static class DirectorySync
{
    /// <summary>fsyncs <paramref name="directory"/>; false (never throws) when it could not be opened or flushed.</summary>
    public static bool TryFlush(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return true;
        }

        int fd = Open(directory, 0); // O_RDONLY: enough to fsync a directory, and the same value on every POSIX ABI.
        if (fd < 0)
        {
            return false;
        }

        try
        {
            return Fsync(fd) == 0;
        }
        finally
        {
            Close(fd);
        }
    }

    /// <summary>fsyncs <paramref name="directory"/>.</summary>
    /// <exception cref="IOException">the directory could not be flushed.</exception>
    public static void Flush(string directory)
    {
        if (!TryFlush(directory))
        {
            throw new IOException($"fsync of directory {directory} failed (errno {Marshal.GetLastPInvokeError()})");
        }
    }

    // Strings marshal as UTF-8 on POSIX.
    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);
}
