using Broker.Protocol;
using Broker.Server.Cluster;

namespace Broker.Server.Topics;

/// <summary>What CreateTopics asks for; -1 means "broker default" as in the protocol.</summary>
public sealed record TopicCreationRequest(
    string Name,
    int NumPartitions,
    int ReplicationFactor,
    IReadOnlyList<IReadOnlyList<int>>? Assignments,
    IReadOnlyList<KeyValuePair<string, string?>> Configs,
    bool ValidateOnly);

/// <summary>Outcome of a topic creation: the topic, or a Kafka error code with a message for the client.</summary>
public sealed record TopicCreation(ErrorCode Error, string? Message, TopicInfo? Topic)
{
    public static TopicCreation Ok(TopicInfo topic) => new(ErrorCode.None, null, topic);

    public static TopicCreation Fail(ErrorCode error, string message) => new(error, message, null);
}

/// <summary>Creates and deletes topics. Implementations are thread-safe.</summary>
public interface ITopicAdmin
{
    TopicCreation CreateTopic(TopicCreationRequest request);

    TopicCreation AutoCreate(string name);

    (ErrorCode Error, string? Message) DeleteTopic(string name);
}
