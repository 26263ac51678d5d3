using Broker.Protocol;
using Broker.Server.Groups;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Broker.Server.Tests.Groups;

/// <summary>A coordinator over an in-memory topic with fake time, and shorthands for the group requests.</summary>
internal sealed class CoordinatorHarness : IDisposable
{
    public const int SessionMs = 10_000;
    public const int RebalanceMs = 30_000;

    public CoordinatorHarness(GroupCoordinatorOptions? options = null, InMemoryOffsetsTopic? topic = null, FakeTimeProvider? time = null)
    {
        Time = time ?? new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        Topic = topic ?? new InMemoryOffsetsTopic();
        Options = options ?? new GroupCoordinatorOptions { InitialRebalanceDelayMs = 0 };
        Coordinator = new GroupCoordinator(Topic, Options, Time, NullLogger<GroupCoordinator>.Instance);
    }

    public FakeTimeProvider Time { get; }

    public InMemoryOffsetsTopic Topic { get; }

    public GroupCoordinatorOptions Options { get; }

    public GroupCoordinator Coordinator { get; }

    public static byte[] Subscription(params string[] topics)
    {
        var bytes = new List<byte> { 0, 0 };
        bytes.AddRange(BitConverter.GetBytes(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(topics.Length)));
        foreach (string t in topics)
        {
            bytes.Add(0);
            bytes.Add((byte)t.Length);
            bytes.AddRange(System.Text.Encoding.UTF8.GetBytes(t));
        }

        bytes.AddRange([0xFF, 0xFF, 0xFF, 0xFF]);
        return [.. bytes];
    }

    /// <summary>Creates the topic and loads the group's partition.</summary>
    public async Task LoadAsync(string group)
    {
        await Topic.EnsureCreatedAsync();
        await Coordinator.LoadPartitionAsync(Coordinator.PartitionFor(group));
    }

    public Task<JoinGroupResult> Join(string group, string memberId = "", string? instanceId = null, string clientId = "client",
        bool requireKnownMemberId = false, (string, byte[])[]? protocols = null, int sessionMs = SessionMs, int rebalanceMs = RebalanceMs) =>
        Coordinator.JoinGroupAsync(new JoinGroupCommand(group, memberId, instanceId, clientId, "/127.0.0.1", sessionMs, rebalanceMs,
            "consumer", protocols ?? [("range", Subscription("t"))], requireKnownMemberId));

    public Task<SyncGroupResult> Sync(string group, JoinGroupResult join, params (string MemberId, byte[] Assignment)[] assignments) =>
        Coordinator.SyncGroupAsync(new SyncGroupCommand(group, join.GenerationId, join.MemberId, null, null, null, assignments));

    public ErrorCode Heartbeat(string group, JoinGroupResult join, string? instanceId = null) =>
        Coordinator.Heartbeat(group, join.MemberId, instanceId, join.GenerationId);

    public Task<IReadOnlyList<ErrorCode>> Commit(string group, int generation, string memberId, params (string Topic, int Partition, long Offset)[] offsets) =>
        Coordinator.CommitOffsetsAsync(new OffsetCommitCommand(group, generation, memberId, null, -1,
            offsets.Select(o => new OffsetCommitEntry(o.Topic, o.Partition, o.Offset, -1, "")).ToList()));

    public void Advance(int ms) => Time.Advance(TimeSpan.FromMilliseconds(ms));

    public void Dispose() => Coordinator.Dispose();
}
