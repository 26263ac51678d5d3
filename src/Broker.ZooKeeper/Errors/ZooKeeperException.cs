namespace Broker.ZooKeeper;

/// <summary>
/// A ZooKeeper error reply (or a client-side equivalent such as connection loss). <see cref="Path"/> is the
/// client-relative path of the failed operation when there is one; it is also part of <see cref="Exception.Message"/>.
/// </summary>
public class ZooKeeperException : Exception
{
    public ZooKeeperException(ZooKeeperErrorCode code, string? path, string? detail = null, Exception? inner = null)
        : base(FormatMessage(code, path, detail), inner)
    {
        Code = code;
        Path = path;
    }

    public ZooKeeperErrorCode Code { get; }

    public string? Path { get; }

    /// <summary>For a failed <see cref="ZooKeeperClient.MultiAsync"/>: the per-operation results (all-or-nothing).</summary>
    public IReadOnlyList<OpResult>? MultiResults { get; internal set; }

    /// <summary>Maps a wire error code to the most specific exception type.</summary>
    public static ZooKeeperException Create(ZooKeeperErrorCode code, string? path, string? detail = null) => code switch
    {
        ZooKeeperErrorCode.NoNode => new NoNodeException(path, detail),
        ZooKeeperErrorCode.NodeExists => new NodeExistsException(path, detail),
        ZooKeeperErrorCode.BadVersion => new BadVersionException(path, detail),
        ZooKeeperErrorCode.NotEmpty => new NotEmptyException(path, detail),
        ZooKeeperErrorCode.NoChildrenForEphemerals => new NoChildrenForEphemeralsException(path, detail),
        ZooKeeperErrorCode.SessionExpired => new SessionExpiredException(path, detail),
        ZooKeeperErrorCode.ConnectionLoss => new ConnectionLossException(path, detail),
        ZooKeeperErrorCode.OperationTimeout => new OperationTimeoutException(path, detail),
        ZooKeeperErrorCode.SessionMoved => new SessionMovedException(path, detail),
        ZooKeeperErrorCode.NoAuth => new NoAuthException(path, detail),
        _ => new ZooKeeperException(code, path, detail),
    };

    private static string FormatMessage(ZooKeeperErrorCode code, string? path, string? detail)
    {
        var text = path is null ? $"ZooKeeper error {code} ({(int)code})" : $"ZooKeeper error {code} ({(int)code}) for {path}";
        return detail is null ? text : $"{text}: {detail}";
    }
}
