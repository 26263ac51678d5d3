namespace Broker.ZooKeeper;

/// <summary>Path validation and chroot translation. Client paths are absolute ("/a/b"); "/" is the (ch)root.</summary>
internal static class ZooKeeperPath
{
    public static void Validate(string path, bool sequential = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0 || path[0] != '/')
        {
            throw new ArgumentException($"ZooKeeper path must start with '/': '{path}'.", nameof(path));
        }

        if (path.Length == 1)
        {
            return;
        }

        // A sequential create may end in '/', the server appends the counter.
        if (path[^1] == '/' && !sequential)
        {
            throw new ArgumentException($"ZooKeeper path must not end with '/': '{path}'.", nameof(path));
        }

        if (path.Contains("//", StringComparison.Ordinal) || path.Contains('\0'))
        {
            throw new ArgumentException($"ZooKeeper path has an empty segment or NUL: '{path}'.", nameof(path));
        }

        foreach (var segment in path.Split('/'))
        {
            if (segment is "." or "..")
            {
                throw new ArgumentException($"ZooKeeper path must not contain relative segments: '{path}'.", nameof(path));
            }
        }
    }

    public static string ToServer(string chroot, string clientPath)
    {
        if (chroot.Length == 0)
        {
            return clientPath;
        }

        return clientPath == "/" ? chroot : chroot + clientPath;
    }

    public static string ToClient(string chroot, string serverPath)
    {
        if (chroot.Length == 0)
        {
            return serverPath;
        }

        if (serverPath.Length == chroot.Length)
        {
            return "/";
        }

        return serverPath.StartsWith(chroot, StringComparison.Ordinal) && serverPath[chroot.Length] == '/'
            ? serverPath[chroot.Length..]
            : serverPath;
    }

    /// <summary>Parent of an absolute path; null for "/".</summary>
    public static string? Parent(string path)
    {
        var slash = path.LastIndexOf('/');
        return path.Length <= 1 ? null : slash == 0 ? "/" : path[..slash];
    }
}
