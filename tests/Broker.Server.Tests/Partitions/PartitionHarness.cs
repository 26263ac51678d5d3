using Broker.Protocol;
using Broker.Protocol.Records;
using Broker.Server.Partitions;
using Broker.Storage;
using Broker.Storage.Log;
using Broker.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Broker.Server.Tests.Partitions;

/// <summary>
/// One partition replica led by broker 1 with followers 2 and 3, over a real log in a temp folder, a fake clock and a
/// <see cref="ScriptedIsrWriter"/>. Followers are simulated by their log end offsets: a fetch reports the follower's
/// log end to the leader (as the fetch offset does) and then copies up to <c>count</c> records.
/// </summary>
internal sealed class PartitionHarness : IDisposable
{
    public const int Leader = 1;
    public static readonly int[] AllReplicas = [1, 2, 3];

    private readonly TempDirectory _dir = new("partition-test");
    private readonly Dictionary<int, long> _followerEnds = [];

    public PartitionHarness(int[] isr, int minInsyncReplicas = 1, int leaderEpoch = 1)
    {
        Time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        Writer = new ScriptedIsrWriter(isr);
        Log = PartitionLog.Open(Path.Combine(_dir.Path, "t-0"), LogConfig.Default, Time, NullLogger.Instance);
        Partition = new Partition(new TopicPartition("t", 0), KafkaUuid.Zero, Log, Leader, leader: false, Writer, time: Time)
        {
            MinInsyncReplicas = minInsyncReplicas,
        };
        Partition.MakeLeader(leaderEpoch, AllReplicas, isr, Writer.ZkVersion);
        foreach (int r in AllReplicas.Where(r => r != Leader)) _followerEnds[r] = 0;
    }

    public FakeTimeProvider Time { get; }

    public ScriptedIsrWriter Writer { get; }

    public PartitionLog Log { get; }

    public Partition Partition { get; }

    /// <summary>The log end of a replica: the leader's log, or a simulated follower's.</summary>
    public long LogEnd(int replica) => replica == Leader ? Log.LogEndOffset : _followerEnds[replica];

    /// <summary>Appends <paramref name="records"/> records as leader.</summary>
    public LeaderAppendResult Append(int records = 1, bool requireMinIsr = false) =>
        Partition.AppendAsLeader(Batch(records), requireMinIsr);

    /// <summary>Follower <paramref name="replica"/> fetches from its log end, then copies up to <paramref name="count"/> records.</summary>
    public void Fetch(int replica, int count = int.MaxValue)
    {
        long end = _followerEnds[replica];
        Partition.UpdateFollowerFetchState(replica, end);
        _followerEnds[replica] = Math.Min(Log.LogEndOffset, end + Math.Min(count, Log.LogEndOffset - end));
        if (Partition.IsrChangePending && Writer.PendingCount == 0) Writer.WaitForRequest();
    }

    /// <summary>Runs the leader's ISR shrink check with the given lag limit.</summary>
    public void ShrinkCheck(long lagMaxMs)
    {
        Partition.MaybeShrinkIsr(lagMaxMs);
        if (Partition.IsrChangePending && Writer.PendingCount == 0) Writer.WaitForRequest();
    }

    /// <summary>Waits (bounded) until the partition processed the answer to its ISR write.</summary>
    public void WaitUntilIsrWriteSettled()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Partition.IsrChangePending)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the partition never applied its ISR write's answer");
            Thread.Sleep(1);
        }
    }

    public static byte[] Batch(int records)
    {
        var builder = new RecordBatchBuilder(1_700_000_000_000);
        for (int i = 0; i < records; i++) builder.Add("k"u8.ToArray(), "v"u8.ToArray(), 1_700_000_000_000 + i);
        return builder.Build();
    }

    public void Dispose()
    {
        Log.Dispose();
        _dir.Dispose();
    }
}
