namespace Broker.Server.Groups;

/// <summary>
/// One member of a classic group. Guarded by its group's lock: every field is read and written only while holding
/// <see cref="ConsumerGroup.Sync"/>.
/// </summary>
internal sealed class GroupMember
{
    public GroupMember(string memberId, string? groupInstanceId, string clientId, string clientHost)
    {
        MemberId = memberId;
        GroupInstanceId = groupInstanceId;
        ClientId = clientId;
        ClientHost = clientHost;
    }

    /// <summary>Changes when a static member rejoins with an unknown member id (it gets a fresh one).</summary>
    public string MemberId { get; set; }

    public string? GroupInstanceId { get; }

    public string ClientId { get; set; }

    public string ClientHost { get; set; }

    public int SessionTimeoutMs { get; set; }

    public int RebalanceTimeoutMs { get; set; }

    public IReadOnlyList<(string Name, byte[] Metadata)> Protocols { get; set; } = [];

    /// <summary>The assignment of the current generation (empty until the leader's SyncGroup).</summary>
    public byte[] Assignment { get; set; } = [];

    /// <summary>Set while the member's JoinGroup waits for the rebalance to complete.</summary>
    public TaskCompletionSource<JoinGroupResult>? AwaitingJoin { get; set; }

    /// <summary>Set while the member's SyncGroup waits for the leader's assignment.</summary>
    public TaskCompletionSource<SyncGroupResult>? AwaitingSync { get; set; }

    /// <summary>True once the member sent SyncGroup in the current generation.</summary>
    public bool HasSynced { get; set; }

    /// <summary>Unix ms after which the member is expired unless it heartbeats (or waits in a join/sync).</summary>
    public long SessionDeadlineMs { get; set; }

    public ITimer? SessionTimer { get; set; }

    public byte[]? MetadataFor(string protocol)
    {
        foreach (var (name, metadata) in Protocols)
        {
            if (name == protocol) return metadata;
        }

        return null;
    }

    /// <summary>Same protocol names, in the same order, with identical metadata.</summary>
    public bool Matches(IReadOnlyList<(string Name, byte[] Metadata)> protocols)
    {
        if (protocols.Count != Protocols.Count) return false;
        for (int i = 0; i < protocols.Count; i++)
        {
            if (protocols[i].Name != Protocols[i].Name || !protocols[i].Metadata.AsSpan().SequenceEqual(Protocols[i].Metadata)) return false;
        }

        return true;
    }
}
