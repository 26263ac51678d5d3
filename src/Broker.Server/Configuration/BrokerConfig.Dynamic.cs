namespace Broker.Server.Configuration;

// Dynamic broker configs (KIP-226) layered over the static file.
public sealed partial class BrokerConfig
{
    /// <summary>
    /// A copy of this configuration with dynamic values layered on top, as Kafka resolves them:
    /// <paramref name="perBroker"/> (<c>/config/brokers/&lt;id&gt;</c>) over <paramref name="clusterDefault"/>
    /// (<c>/config/brokers/&lt;default&gt;</c>) over this (static) configuration. Names this table does not know are
    /// skipped (they are validated before they are stored). This instance is not changed.
    /// </summary>
    /// <exception cref="ConfigException">A dynamic value does not parse or validate.</exception>
    public BrokerConfig WithDynamic(IReadOnlyDictionary<string, string> clusterDefault, IReadOnlyDictionary<string, string> perBroker)
    {
        var settings = new Dictionary<string, ResolvedSetting>(_settings, StringComparer.Ordinal);
        var ignored = new List<ConfigWarning>();
        foreach (var (layer, source) in new[] { (clusterDefault, ConfigSource.DynamicDefault), (perBroker, ConfigSource.DynamicBroker) })
        {
            foreach (var (name, raw) in layer)
            {
                if (!BrokerConfigDef.TryFind(name, out var key)) continue;
                settings[name] = new ResolvedSetting(key, Convert(key, raw, source, ignored), raw, source);
            }
        }

        return new BrokerConfig(settings, _listenerPrefixed);
    }

    /// <summary>
    /// Checks one dynamic value as the file's values are checked; null when valid, else Kafka's text
    /// ("Invalid value x for configuration k: reason").
    /// </summary>
    public static string? CheckValue(string name, string raw)
    {
        if (!BrokerConfigDef.TryFind(name, out var key)) return null;
        if (!ConfigValueParser.TryParse(key.Type, raw, out var value, out var reason))
            return $"Invalid value {raw} for configuration {name}: {reason}";
        var why = value is null ? null : key.Validator?.Validate(value);
        return why is null ? null : $"Invalid value {raw} for configuration {name}: {why}";
    }
}
