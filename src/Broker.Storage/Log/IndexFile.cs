using Microsoft.Win32.SafeHandles;

namespace Broker.Storage.Log;

/// <summary>
/// The file behind an offset or time index: written through with positional writes, preallocated (sparse) while
/// its segment is active and trimmed to its entries afterwards, as Kafka does. Not thread-safe: the owning index
/// serialises writers.
/// </summary>
internal sealed class IndexFile : IDisposable
{
    private readonly SafeFileHandle _handle;

    private IndexFile(string path, SafeFileHandle handle)
    {
        FilePath = path;
        _handle = handle;
    }

    public string FilePath { get; private set; }

    /// <summary>Opens or creates the file and returns its current content.</summary>
    public static IndexFile Open(string path, out byte[] content)
    {
        SafeFileHandle handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        long length = RandomAccess.GetLength(handle);
        content = new byte[(int)Math.Min(length, int.MaxValue)];
        int read = 0;
        while (read < content.Length)
        {
            int n = RandomAccess.Read(handle, content.AsSpan(read), read);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        if (read < content.Length)
        {
            content = content[..read];
        }

        return new IndexFile(path, handle);
    }

    public void Write(long position, ReadOnlySpan<byte> data) => RandomAccess.Write(_handle, data, position);

    public void SetLength(long length) => RandomAccess.SetLength(_handle, length);

    public void Flush() => RandomAccess.FlushToDisk(_handle);

    public void Rename(string newPath)
    {
        File.Move(FilePath, newPath, overwrite: true);
        FilePath = newPath;
    }

    public void Delete() => File.Delete(FilePath);

    public void Dispose() => _handle.Dispose();
}
