using Broker.Protocol;
using Broker.Server.Cluster;

namespace Broker.Server.Topics;

/// <summary>
/// What CreateTopics asks for; -1 means "broker default" as in the protocol. <see cref="LeaderWait"/> bounds the wait
/// for the new topic's leaders after the write: null for the broker's own bound, zero (or less) to answer right after
/// the write, as Kafka does for CreateTopics' timeout_ms &lt;= 0.
/// </summary>
public sealed record TopicCreationRequest(
    string Name,
    int NumPartitions,
    int ReplicationFactor,
    IReadOnlyList<IReadOnlyList<int>>? Assignments,
    IReadOnlyList<KeyValuePair<string, string?>> Configs,
    bool ValidateOnly,
    TimeSpan? LeaderWait = null);

/// <summary>Outcome of a topic creation: the topic, or a Kafka error code with a message for the client.</summary>
public sealed record TopicCreation(ErrorCode Error, string? Message, TopicInfo? Topic)
{
    public static TopicCreation Ok(TopicInfo topic) => new(ErrorCode.None, null, topic);

    public static TopicCreation Fail(ErrorCode error, string message) => new(error, message, null);
}

/// <summary>IncrementalAlterConfigs' operation codes (AlterConfigs is a Set of every entry on an empty set).</summary>
public enum ConfigOperation : sbyte
{
    Set = 0,
    Delete = 1,
    Append = 2,
    Subtract = 3,
}

/// <summary>One change of a topic config override; <see cref="Value"/> is ignored by Delete.</summary>
public sealed record TopicConfigChange(string Name, ConfigOperation Operation, string? Value);

/// <summary>
/// Creates, changes and deletes topics. Implementations are thread-safe; each call is atomic with respect to the
/// others on the same topic. Errors come back as a Kafka error code plus a message for the client, never as exceptions.
/// Topic config overrides are part of the topic's durable state: they survive a restart and are applied to every
/// partition's log as soon as a change succeeds.
/// </summary>
public interface ITopicAdmin
{
    /// <summary>Creates the topic; in ZooKeeper mode completes once the controller has elected its leaders (bounded).</summary>
    Task<TopicCreation> CreateTopicAsync(TopicCreationRequest request);

    /// <summary>
    /// Waits, at most <paramref name="wait"/> for all together, until every successful creation of
    /// <paramref name="created"/> (made with a zero <see cref="TopicCreationRequest.LeaderWait"/>) shows its leaders
    /// in this broker's metadata; those that do not get REQUEST_TIMED_OUT (the topic stays created), as Kafka's
    /// delayed CreateTopics. Failed creations are returned unchanged, in the same order.
    /// </summary>
    Task<IReadOnlyList<TopicCreation>> AwaitLeadersAsync(IReadOnlyList<TopicCreation> created, TimeSpan wait) =>
        Task.FromResult(created);

    /// <summary>Creates a topic with the broker defaults (Metadata auto-creation).</summary>
    Task<TopicCreation> AutoCreateAsync(string name);

    /// <summary>Deletes the topic; in ZooKeeper mode completes once the controller has removed it (bounded).</summary>
    /// <param name="wait">Bound on the wait for the controller: null for the broker's own bound, zero (or less) to
    /// answer right after the deletion is requested (DeleteTopics' timeout_ms &lt;= 0, as Kafka).</param>
    Task<(ErrorCode Error, string? Message)> DeleteTopicAsync(string name, TimeSpan? wait = null);

    /// <summary>The topic's config overrides (name → value), or null when there is no such topic.</summary>
    IReadOnlyDictionary<string, string>? GetTopicConfigs(string topic);

    /// <summary>
    /// Changes the topic's overrides with <see cref="TopicConfigs.Apply"/>: <paramref name="replaceAll"/> (AlterConfigs)
    /// replaces the whole set, otherwise the changes apply to the current set. Nothing changes when
    /// <paramref name="validateOnly"/> is set or an error is returned (UNKNOWN_TOPIC_OR_PARTITION, INVALID_CONFIG).
    /// </summary>
    Task<(ErrorCode Error, string? Message)> AlterTopicConfigsAsync(string topic, IReadOnlyList<TopicConfigChange> changes, bool replaceAll, bool validateOnly);

    /// <summary>
    /// Grows the topic to <paramref name="totalCount"/> partitions. <paramref name="assignments"/>, when given, holds
    /// the replicas of each new partition. Shrinking or keeping the count gives INVALID_PARTITIONS.
    /// </summary>
    Task<(ErrorCode Error, string? Message)> CreatePartitionsAsync(string topic, int totalCount, IReadOnlyList<IReadOnlyList<int>>? assignments, bool validateOnly);
}
