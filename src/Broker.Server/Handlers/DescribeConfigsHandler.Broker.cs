using System.Globalization;
using Broker.Server.Configuration;
using Broker.Server.Topics;
using Entry = Broker.Protocol.Messages.DescribeConfigsResponse.DescribeConfigsEntry;
using Synonym = Broker.Protocol.Messages.DescribeConfigsResponse.DescribeConfigsSynonym;

namespace Broker.Server.Handlers;

// BROKER resources, as Kafka's ConfigHelper: a broker id describes every setting with its source and synonyms in
// Kafka's order (dynamic per-broker, dynamic default, static, default; each over the setting's synonyms); "" describes
// only the stored cluster-wide dynamic defaults. Settings this broker cannot change at runtime are read-only.
public sealed partial class DescribeConfigsHandler
{
    private void DescribeBroker(Protocol.Messages.DescribeConfigsResponse.DescribeConfigsResult result, HashSet<string>? keys,
        Protocol.Messages.DescribeConfigsRequest request)
    {
        var current = dynamic.Current;
        string self = current.BrokerId.ToString(CultureInfo.InvariantCulture);
        if (result.ResourceName.Length > 0 && result.ResourceName != self)
        {
            result.ErrorCode = (short)Protocol.ErrorCode.InvalidRequest;
            result.ErrorMessage = $"Unexpected broker id, expected {self} or empty string, but received {result.ResourceName}";
            return;
        }

        if (result.ResourceName.Length == 0)
        {
            foreach (var (name, value) in dynamic.ClusterDefaults.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                if (keys is not null && !keys.Contains(name)) continue;
                var entry = new Entry { Name = name, Value = value, ReadOnly = false, ConfigSource = DynamicDefaultSource, ConfigType = TypeOf(name) };
                if (request.IncludeSynonyms) entry.Synonyms.Add(new Synonym { Name = name, Value = value, Source = DynamicDefaultSource });
                result.Configs.Add(entry);
            }

            return;
        }

        foreach (var key in BrokerConfigDef.All)
        {
            if (keys is not null && !keys.Contains(key.Name)) continue;
            var synonyms = SynonymsOf(key.Name, current);
            var entry = new Entry
            {
                Name = key.Name,
                Value = current.GetString(key.Name),
                ReadOnly = !DynamicBrokerConfigKeys.IsDynamic(key.Name),
                IsSensitive = key.IsSensitive,
                ConfigSource = synonyms.Count > 0 ? synonyms[0].Source : DefaultSource,
                ConfigType = TypeCode(key.Type),
                Documentation = request.IncludeDocumentation ? key.Doc : null,
            };
            if (request.IncludeSynonyms) entry.Synonyms.AddRange(synonyms);
            result.Configs.Add(entry);
        }

        foreach (var (name, (type, kafkaDefault)) in DynamicBrokerConfigKeys.Inert.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (keys is not null && !keys.Contains(name)) continue;
            var synonyms = SynonymsOf(name, current);
            synonyms.Add(new Synonym { Name = name, Value = kafkaDefault, Source = DefaultSource });
            var entry = new Entry { Name = name, Value = synonyms[0].Value, ReadOnly = false, ConfigSource = synonyms[0].Source, ConfigType = type };
            if (request.IncludeSynonyms) entry.Synonyms.AddRange(synonyms);
            result.Configs.Add(entry);
        }
    }

    /// <summary>Kafka's broker config synonyms: the time settings' finer units first, else the name alone.</summary>
    private static string[] BrokerSynonymNames(string name) => name switch
    {
        "log.retention.ms" => ["log.retention.ms", "log.retention.minutes", "log.retention.hours"],
        "log.roll.ms" => ["log.roll.ms", "log.roll.hours"],
        _ => [name],
    };

    private List<Synonym> SynonymsOf(string name, BrokerConfig current)
    {
        var names = BrokerSynonymNames(name);
        var list = new List<Synonym>();
        foreach (var n in names)
            if (dynamic.PerBroker.TryGetValue(n, out var v)) list.Add(new Synonym { Name = n, Value = v, Source = DynamicBrokerSource });
        foreach (var n in names)
            if (dynamic.ClusterDefaults.TryGetValue(n, out var v)) list.Add(new Synonym { Name = n, Value = v, Source = DynamicDefaultSource });
        foreach (var n in names)
            if (BrokerConfigDef.TryFind(n, out _) && dynamic.Static.IsSet(n))
                list.Add(new Synonym { Name = n, Value = dynamic.Static.GetString(n), Source = StaticBrokerSource });
        foreach (var n in names)
            if (BrokerConfigDef.TryFind(n, out var key) && key.Default is not null)
                list.Add(new Synonym { Name = n, Value = key.IsSensitive ? null : key.Default, Source = DefaultSource });
        return list;
    }

    /// <summary>The DescribeConfigs source of the broker setting a topic setting inherits.</summary>
    private static sbyte BrokerSourceOf(BrokerConfig config, TopicConfigs.Definition def)
    {
        string? set = def.BrokerSynonyms.FirstOrDefault(s => BrokerConfigDef.TryFind(s, out _) && config.IsSet(s));
        return set is null ? DefaultSource : SourceCode(config.Source(set).Kind);
    }

    private static sbyte SourceCode(ConfigSourceKind kind) => kind switch
    {
        ConfigSourceKind.DynamicBroker => DynamicBrokerSource,
        ConfigSourceKind.DynamicDefault => DynamicDefaultSource,
        ConfigSourceKind.Default => DefaultSource,
        _ => StaticBrokerSource,
    };

    private static sbyte TypeOf(string name) =>
        BrokerConfigDef.TryFind(name, out var key) ? TypeCode(key.Type)
        : DynamicBrokerConfigKeys.Inert.TryGetValue(name, out var inert) ? inert.Type : (sbyte)0;
}
