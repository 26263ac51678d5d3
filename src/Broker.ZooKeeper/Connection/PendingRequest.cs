using Broker.ZooKeeper.Protocol;

namespace Broker.ZooKeeper.Connection;

/// <summary>
/// Turns a reply body into a result, or throws the <see cref="ZooKeeperException"/> for <paramref name="error"/>.
/// Runs on the connection's receive loop, so it must be quick; it is where watches are registered, which keeps
/// registration ordered before any notification that follows the reply on the wire.
/// </summary>
internal delegate T ResponseParser<T>(ZooKeeperErrorCode error, ref JuteReader reader);

/// <summary>
/// A request that has been (or is about to be) written and awaits its reply. The connection keeps these in a FIFO
/// because the server answers a connection's requests strictly in order.
/// </summary>
internal abstract class PendingRequest
{
    protected PendingRequest(byte[] frame, int frameLength, int opCode, string? path)
    {
        Frame = frame;
        FrameLength = frameLength;
        OpCode = opCode;
        Path = path;
    }

    /// <summary>The serialized frame; rented from the shared pool and returned by the writer once sent.</summary>
    public byte[]? Frame { get; set; }

    public int FrameLength { get; }

    public int OpCode { get; }

    /// <summary>Client path for error messages; null for session-level requests.</summary>
    public string? Path { get; }

    public int Xid { get; set; }

    public abstract void Complete(ZooKeeperErrorCode error, ReadOnlySpan<byte> body);

    public abstract void Fail(Exception exception);
}

internal sealed class PendingRequest<T> : PendingRequest
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ResponseParser<T> _parser;

    public PendingRequest(JuteWriter writer, int opCode, string? path, ResponseParser<T> parser)
        : this(writer.Complete(), opCode, path, parser)
    {
    }

    private PendingRequest((byte[] Buffer, int Length) frame, int opCode, string? path, ResponseParser<T> parser)
        : base(frame.Buffer, frame.Length, opCode, path)
    {
        _parser = parser;
    }

    public Task<T> Task => _completion.Task;

    public override void Complete(ZooKeeperErrorCode error, ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new JuteReader(body);
            _completion.TrySetResult(_parser(error, ref reader));
        }
        catch (Exception e)
        {
            _completion.TrySetException(e);
        }
    }

    public override void Fail(Exception exception) => _completion.TrySetException(exception);
}
