using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Broker.IntegrationTests.Security;

/// <summary>
/// One client call per cell. Each answers (allowed, what the client saw): allowed when the call succeeded or failed
/// for a reason other than authorization (TOPIC_ALREADY_EXISTS for Create on an existing topic, GROUP_ID_NOT_FOUND
/// for Delete of an unused group); denied only when the client reports Kafka's authorization error for that
/// resource. Any other failure counts as neither, so the cell fails.
/// </summary>
public sealed partial class AuthorizationMatrixTests
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    private static (bool, string) Outcome(ErrorCode code, ErrorCode denied, params ErrorCode[] alsoAllowed) =>
        code == ErrorCode.NoError || alsoAllowed.Contains(code) ? (true, $"allowed ({code})")
        : code == denied ? (false, $"denied ({code})")
        : (false, $"UNEXPECTED {code}");

    private async Task<(bool Allowed, string Detail)> CheckTopicAsync(string principal, string topic, AclOperation op, string readGroups)
    {
        var deny = ErrorCode.TopicAuthorizationFailed;
        using var admin = new AdminClientBuilder(As(principal)).Build();
        try
        {
            switch (op)
            {
                case AclOperation.Describe:
                {
                    var md = admin.GetMetadata(topic, CallTimeout);
                    return Outcome(md.Topics.Single().Error.Code, deny);
                }
                case AclOperation.Write:
                {
                    using var producer = new ProducerBuilder<Null, string>(new ProducerConfig(As(principal)) { MessageTimeoutMs = 10000 }).Build();
                    await producer.ProduceAsync(topic, new Message<Null, string> { Value = principal });
                    return (true, "allowed (produced)");
                }
                case AclOperation.Read:
                    return await Task.Run(() => Consume(principal, topic, readGroups + principal + "-" + topic));
                case AclOperation.Create:
                    await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 1, ReplicationFactor = 1 }],
                        new CreateTopicsOptions { ValidateOnly = true });
                    return (true, "allowed (validated)");
                case AclOperation.Delete:
                    // librdkafka addresses DeleteRecords to the leader, which it cannot learn without Describe: it
                    // then waits forever. The client is denied by Metadata's TOPIC_AUTHORIZATION_FAILED, as with Kafka.
                    if (admin.GetMetadata(topic, CallTimeout).Topics.Single().Error.Code == deny) return (false, "denied (TopicAuthorizationFailed in Metadata)");
                    await admin.DeleteRecordsAsync([new TopicPartitionOffset(topic, 0, 0)]);
                    return (true, "allowed (records deleted below 0)");
                case AclOperation.DescribeConfigs:
                    await admin.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Topic, Name = topic }]);
                    return (true, "allowed (described)");
                case AclOperation.AlterConfigs:
                {
                    var resource = new ConfigResource { Type = ResourceType.Topic, Name = topic };
                    await admin.IncrementalAlterConfigsAsync(
                        new Dictionary<ConfigResource, List<ConfigEntry>>
                        {
                            [resource] = [new ConfigEntry { Name = "retention.ms", Value = "86400000", IncrementalOperation = AlterConfigOpType.Set }],
                        },
                        new IncrementalAlterConfigsOptions { ValidateOnly = true });
                    return (true, "allowed (validated)");
                }
            }
        }
        catch (CreateTopicsException e) { return Outcome(e.Results.Single().Error.Code, deny, ErrorCode.TopicAlreadyExists); }
        catch (DeleteRecordsException e) { return Outcome(e.Results.Single().Error.Code, deny); }
        catch (DescribeConfigsException e) { return Outcome(e.Results.Single().Error.Code, deny); }
        catch (IncrementalAlterConfigsException e) { return Outcome(e.Results.Single().Error.Code, deny); }
        catch (ProduceException<Null, string> e) { return Outcome(e.Error.Code, deny); }
        catch (KafkaException e) { return Outcome(e.Error.Code, deny); }

        throw new ArgumentOutOfRangeException(nameof(op));
    }

    /// <summary>Subscribes with a group everyone may read, and reads the topic's record or its authorization error.</summary>
    private (bool, string) Consume(string principal, string topic, string group)
    {
        var errors = new List<Error>();
        using var consumer = new ConsumerBuilder<Ignore, string>(new ConsumerConfig(As(principal))
        {
            GroupId = group, AutoOffsetReset = AutoOffsetReset.Earliest, EnableAutoCommit = false,
        }).SetErrorHandler((_, e) => { lock (errors) errors.Add(e); }).Build();
        consumer.Subscribe(topic);
        var deadline = DateTime.UtcNow + CallTimeout;
        try
        {
            while (DateTime.UtcNow < deadline)
            {
                try
                {
                    if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { } record) return (true, $"allowed (read '{record.Message.Value}')");
                }
                catch (ConsumeException e) when (e.Error.Code == ErrorCode.TopicAuthorizationFailed)
                {
                    return (false, "denied (TopicAuthorizationFailed)");
                }

                lock (errors)
                    if (errors.FirstOrDefault(e => e.Code == ErrorCode.TopicAuthorizationFailed) is not null)
                        return (false, "denied (TopicAuthorizationFailed, error callback)");
            }
        }
        finally
        {
            consumer.Close();
        }

        lock (errors) return (false, "UNEXPECTED nothing read: " + string.Join("; ", errors.Select(e => e.Reason)));
    }

    private (bool, string) ConsumeGroup(string principal, string topic, string group)
    {
        var errors = new List<Error>();
        var consumer = new ConsumerBuilder<Ignore, string>(new ConsumerConfig(As(principal))
        {
            GroupId = group, AutoOffsetReset = AutoOffsetReset.Earliest, EnableAutoCommit = false,
        }).SetErrorHandler((_, e) => { lock (errors) errors.Add(e); }).Build();
        consumer.Subscribe(topic);
        var deadline = DateTime.UtcNow + CallTimeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { } record)
                {
                    consumer.Close();
                    consumer.Dispose();
                    return (true, "allowed (joined, read)");
                }
            }
            catch (ConsumeException e) when (e.Error.Code == ErrorCode.GroupAuthorizationFailed)
            {
                return (false, "denied (GroupAuthorizationFailed)"); // not closed: no coordinator to leave
            }

            lock (errors)
                if (errors.Any(e => e.Code == ErrorCode.GroupAuthorizationFailed)) return (false, "denied (GroupAuthorizationFailed, error callback)");
        }

        lock (errors) return (false, "UNEXPECTED nothing read: " + string.Join("; ", errors.Select(e => e.Reason)));
    }

    private async Task<(bool Allowed, string Detail)> CheckGroupAsync(string principal, string group, AclOperation op, string commitTopic)
    {
        var deny = ErrorCode.GroupAuthorizationFailed;
        using var admin = new AdminClientBuilder(As(principal)).Build();
        try
        {
            switch (op)
            {
                case AclOperation.Describe:
                {
                    var result = await admin.DescribeConsumerGroupsAsync([group]);
                    return Outcome(result.ConsumerGroupDescriptions.Single().Error.Code, deny);
                }
                case AclOperation.Delete:
                    await admin.DeleteGroupsAsync([group]);
                    return (true, "allowed (deleted)");
                case AclOperation.Read:
                    // Joining the group (JoinGroup: Read on the group) to read topic C, which everyone may read.
                    return ConsumeGroup(principal, commitTopic, group);
            }
        }
        catch (DescribeConsumerGroupsException e) { return Outcome(e.Results.ConsumerGroupDescriptions.Single().Error.Code, deny); }
        catch (DeleteGroupsException e) { return Outcome(e.Results.Single().Error.Code, deny, ErrorCode.GroupIdNotFound); }
        catch (KafkaException e) { return Outcome(e.Error.Code, deny); }

        throw new ArgumentOutOfRangeException(nameof(op));
    }

    private async Task<(bool Allowed, string Detail)> CheckClusterAsync(string principal, AclOperation op)
    {
        var deny = ErrorCode.ClusterAuthorizationFailed;
        using var admin = new AdminClientBuilder(As(principal)).Build();
        try
        {
            switch (op)
            {
                case AclOperation.Describe:
                {
                    // DescribeAcls (librdkafka's DescribeCluster is a Metadata request, which needs nothing on the
                    // cluster). Denied: CLUSTER_AUTHORIZATION_FAILED (an exception), or no ACL at all visible, while
                    // the matrix's ACLs exist.
                    var described = await admin.DescribeAclsAsync(new AclBindingFilter
                    {
                        PatternFilter = new ResourcePatternFilter { Type = ResourceType.Any, ResourcePatternType = ResourcePatternType.Any },
                        EntryFilter = new AccessControlEntryFilter { Operation = AclOperation.Any, PermissionType = AclPermissionType.Any },
                    });
                    return described.AclBindings.Count > 0 ? (true, $"allowed ({described.AclBindings.Count} ACLs described)") : (false, "denied (no ACL visible)");
                }
                case AclOperation.Alter:
                    await admin.CreateAclsAsync([Binding(new ResourcePattern { Type = ResourceType.Topic, Name = $"acl-unrelated-{_run}", ResourcePatternType = ResourcePatternType.Literal },
                        "User:nobody", AclOperation.Read, State.Allow)]);
                    return (true, "allowed (ACL created)");
                case AclOperation.Create:
                    await admin.CreateTopicsAsync([new TopicSpecification { Name = $"acl-new-{_run}-{principal}", NumPartitions = 1, ReplicationFactor = 1 }],
                        new CreateTopicsOptions { ValidateOnly = true });
                    return (true, "allowed (validated)");
                case AclOperation.DescribeConfigs:
                    await admin.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Broker, Name = "1" }]);
                    return (true, "allowed (described)");
            }
        }
        catch (CreateAclsException e) { return Outcome(e.Results.Single().Error.Code, deny); }
        catch (DescribeAclsException e) { return Outcome(e.Result.Error.Code, deny); }
        catch (CreateTopicsException e) { return Outcome(e.Results.Single().Error.Code, ErrorCode.TopicAuthorizationFailed); }
        catch (DescribeConfigsException e) { return Outcome(e.Results.Single().Error.Code, deny); }
        catch (KafkaException e) { return Outcome(e.Error.Code, deny); }

        throw new ArgumentOutOfRangeException(nameof(op));
    }
}
