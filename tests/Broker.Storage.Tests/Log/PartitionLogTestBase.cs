using Broker.Storage.Log;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Broker.Storage.Tests.Log;

/// <summary>A temp dir with a "topic-0" partition folder and a fake clock; logs opened here are disposed in TearDown.</summary>
public abstract class PartitionLogTestBase
{
    protected static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
    private readonly List<PartitionLog> _opened = [];
    private TempDirectory _dir = null!;

    protected FakeTimeProvider Time { get; private set; } = null!;

    protected string PartitionDir => Path.Combine(_dir.Path, "my-topic-0");

    protected long NowMs => Time.GetUtcNow().ToUnixTimeMilliseconds();

    [SetUp]
    public void SetUpDirectory()
    {
        _dir = new TempDirectory();
        Time = new FakeTimeProvider(Start);
    }

    [TearDown]
    public void TearDownDirectory()
    {
        foreach (PartitionLog log in _opened)
        {
            log.Dispose();
        }

        _opened.Clear();
        _dir.Dispose();
    }

    protected PartitionLog Open(LogConfig? config = null, long recoveryPoint = 0)
    {
        PartitionLog log = PartitionLog.Open(PartitionDir, config ?? new LogConfig(), Time, NullLogger.Instance, recoveryPoint);
        _opened.Add(log);
        return log;
    }

    /// <summary>Appends a fresh batch of <paramref name="records"/> records stamped with the fake clock.</summary>
    protected LogAppendResult AppendRecords(PartitionLog log, int records = 1, int valueBytes = 10, long? timestamp = null)
    {
        LogAppendResult result = log.Append(Batches.Make(records, timestamp ?? NowMs, valueBytes));
        Assert.That(result.IsSuccess, Is.True, result.Error.ToString());
        return result;
    }
}
