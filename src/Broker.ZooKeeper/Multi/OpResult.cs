namespace Broker.ZooKeeper;

/// <summary>Result of one operation of a <see cref="ZooKeeperClient.MultiAsync"/> transaction, in request order.</summary>
public abstract record OpResult
{
    /// <param name="Path">The created path, chroot stripped (includes the sequential suffix).</param>
    public sealed record CreateResult(string Path) : OpResult;

    public sealed record DeleteResult : OpResult;

    public sealed record SetDataResult(Stat Stat) : OpResult;

    public sealed record CheckResult : OpResult;

    /// <summary>
    /// The transaction failed: the failing operation carries its code; the others carry
    /// <see cref="ZooKeeperErrorCode.Ok"/> or <see cref="ZooKeeperErrorCode.RuntimeInconsistency"/> (rolled back).
    /// </summary>
    public sealed record ErrorResult(ZooKeeperErrorCode Code) : OpResult;
}
