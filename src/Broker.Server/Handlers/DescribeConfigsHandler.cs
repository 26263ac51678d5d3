using Broker.Coordination.Acls;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Configuration;
using Broker.Server.Requests;
using Broker.Server.Topics;
using Entry = Broker.Protocol.Messages.DescribeConfigsResponse.DescribeConfigsEntry;
using Synonym = Broker.Protocol.Messages.DescribeConfigsResponse.DescribeConfigsSynonym;

namespace Broker.Server.Handlers;

/// <summary>
/// DescribeConfigs v0–4 for TOPIC resources (every topic setting with its value and source: TOPIC_CONFIG for an
/// override, DYNAMIC_BROKER_CONFIG / DYNAMIC_DEFAULT_BROKER_CONFIG / STATIC_BROKER_CONFIG for the broker setting that
/// supplies it, DEFAULT_CONFIG otherwise) and BROKER resources (DescribeConfigsHandler.Broker.cs). v0 reports is_default instead of a source;
/// synonyms (v1+) and documentation (v3+) are filled only when asked for. A null key list means every setting;
/// unknown keys are skipped.
/// </summary>
public sealed partial class DescribeConfigsHandler(ITopicAdmin admin, DynamicBrokerConfig dynamic) : RequestHandler<DescribeConfigsRequest>
{
    /// <summary>Kafka's ConfigResource.Type codes.</summary>
    internal const sbyte TopicResource = 2, BrokerResource = 4, BrokerLoggerResource = 8;

    /// <summary>Kafka's ConfigSource codes.</summary>
    private const sbyte TopicSource = 1, DynamicBrokerSource = 2, DynamicDefaultSource = 3, StaticBrokerSource = 4, DefaultSource = 5;

    public override ApiKey ApiKey => ApiKey.DescribeConfigs;

    protected override ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, DescribeConfigsRequest request)
    {
        var response = new DescribeConfigsResponse();
        foreach (var resource in request.Resources)
        {
            var result = new DescribeConfigsResponse.DescribeConfigsResult { ResourceType = resource.ResourceType, ResourceName = resource.ResourceName };
            var keys = resource.ConfigurationKeys is { } k ? k.ToHashSet(StringComparer.Ordinal) : null;
            if (Denied(context, AclOperation.DescribeConfigs, resource.ResourceType, resource.ResourceName) is { } denied)
            {
                result.ErrorCode = (short)denied;
                result.ErrorMessage = denied.Message();
                response.Results.Add(result);
                continue;
            }

            switch (resource.ResourceType)
            {
                case TopicResource:
                    DescribeTopic(result, keys, request);
                    break;
                case BrokerResource:
                    DescribeBroker(result, keys, request);
                    break;
                default:
                    result.ErrorCode = (short)ErrorCode.InvalidRequest;
                    result.ErrorMessage = $"Unsupported resource type {resource.ResourceType}; this broker describes topics and brokers";
                    break;
            }

            if (result.ErrorCode == 0 && context.ApiVersion == 0)
                foreach (var entry in result.Configs) entry.IsDefault = entry.ConfigSource == DefaultSource;
            response.Results.Add(result);
        }

        return ValueTask.FromResult<IKafkaResponse?>(response);
    }

    /// <summary>
    /// Kafka's check for a config resource: <paramref name="operation"/> (DescribeConfigs or AlterConfigs) on the topic
    /// (TOPIC_AUTHORIZATION_FAILED) or, for a broker or broker logger, on the cluster (CLUSTER_AUTHORIZATION_FAILED).
    /// Null when allowed.
    /// </summary>
    internal static ErrorCode? Denied(RequestContext context, AclOperation operation, sbyte resourceType, string resourceName) => resourceType switch
    {
        TopicResource when !context.IsAllowed(operation, AclResourceType.Topic, resourceName) => ErrorCode.TopicAuthorizationFailed,
        BrokerResource or BrokerLoggerResource when !context.IsAllowedOnCluster(operation) => ErrorCode.ClusterAuthorizationFailed,
        _ => null,
    };

    private void DescribeTopic(DescribeConfigsResponse.DescribeConfigsResult result, HashSet<string>? keys, DescribeConfigsRequest request)
    {
        if (admin.GetTopicConfigs(result.ResourceName) is not { } overrides)
        {
            result.ErrorCode = (short)ErrorCode.UnknownTopicOrPartition;
            result.ErrorMessage = $"The topic '{result.ResourceName}' does not exist.";
            return;
        }

        var config = dynamic.Current;
        foreach (var def in TopicConfigs.All)
        {
            if (keys is not null && !keys.Contains(def.Name)) continue;
            var (inherited, fromBroker) = TopicConfigs.BrokerValue(config, def);
            bool isOverride = overrides.TryGetValue(def.Name, out var value);
            var entry = new Entry
            {
                Name = def.Name,
                Value = isOverride ? value : inherited,
                ConfigSource = isOverride ? TopicSource : fromBroker ? BrokerSourceOf(config, def) : DefaultSource,
                ConfigType = def.Type,
                Documentation = request.IncludeDocumentation ? def.Doc : null,
            };
            if (request.IncludeSynonyms)
            {
                if (isOverride) entry.Synonyms.Add(new Synonym { Name = def.Name, Value = value, Source = TopicSource });
                foreach (var synonym in def.BrokerSynonyms.Where(s => BrokerConfigDef.TryFind(s, out _) && config.IsSet(s)))
                    entry.Synonyms.Add(new Synonym { Name = synonym, Value = config.GetString(synonym), Source = SourceCode(config.Source(synonym).Kind) });
                if (def.BrokerSynonyms.Length > 0)
                    entry.Synonyms.Add(new Synonym { Name = def.BrokerSynonyms[^1], Value = def.KafkaDefault, Source = DefaultSource });
            }

            result.Configs.Add(entry);
        }
    }

    private static sbyte TypeCode(ConfigType type) => type switch
    {
        ConfigType.Bool => TopicConfigs.TypeBoolean,
        ConfigType.String => TopicConfigs.TypeString,
        ConfigType.Int => TopicConfigs.TypeInt,
        ConfigType.Long => TopicConfigs.TypeLong,
        ConfigType.Double => TopicConfigs.TypeDouble,
        ConfigType.List => TopicConfigs.TypeList,
        ConfigType.Password => 9,
        _ => 0,
    };
}
