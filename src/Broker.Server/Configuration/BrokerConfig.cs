namespace Broker.Server.Configuration;

/// <summary>
/// The broker's typed, validated configuration: every setting of <see cref="BrokerConfigDef"/> resolved from a
/// properties file, then <c>--override</c> arguments (which always win), then the table defaults. Immutable once built,
/// so it is safe to share between threads.
/// </summary>
public sealed partial class BrokerConfig
{
    private readonly Dictionary<string, ResolvedSetting> _settings;

    private BrokerConfig(Dictionary<string, ResolvedSetting> settings, Dictionary<string, PropertyEntry> listenerPrefixed)
    {
        _settings = settings;
        _listenerPrefixed = listenerPrefixed;
        (Listeners, AdvertisedListeners, ListenerSecurityProtocolMap, InterBrokerListenerName) = ResolveListeners();
        ValidateConnectionLimits();
        ValidateSasl();
        ValidateAuthorizer();
    }

    /// <summary>
    /// Reads the properties file at <paramref name="path"/> (UTF-8) and applies <paramref name="overrides"/>, each
    /// <c>key=value</c> as given after <c>--override</c>. Locations in messages use <paramref name="path"/> as given.
    /// </summary>
    /// <param name="warnings">Problems that do not stop the broker (unknown keys, duplicates, inline comments).</param>
    /// <exception cref="ConfigException">The file cannot be read, or a value is invalid.</exception>
    public static BrokerConfig Load(string path, IEnumerable<string> overrides, out IReadOnlyList<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(overrides);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ConfigException($"{path}: file not found");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"{path}: cannot read the file: {e.Message}");
        }

        var entries = PropertiesFile.Parse(text, path).Concat(overrides.Select(PropertiesFile.ParseOverride));
        return FromEntries(entries, out warnings);
    }

    /// <summary>Builds a configuration from already-parsed entries (file and/or override entries, in any order).</summary>
    /// <exception cref="ConfigException">A value is invalid; the message lists every invalid value, one per line.</exception>
    public static BrokerConfig FromEntries(IEnumerable<PropertyEntry> entries, out IReadOnlyList<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var collected = new List<ConfigWarning>();
        var list = entries.ToList();
        var config = new BrokerConfig(Resolve(list, collected), ChooseListenerPrefixed(list));
        warnings = collected.OrderBy(w => w.Source, SourceOrder).Select(w => w.Message).ToList(); // stable sort
        return config;
    }

    /// <summary>
    /// The resolved typed value of a setting (see <see cref="ConfigType"/> for the CLR types), or null when the
    /// setting has no value. This is the raw setting: fallbacks between settings (e.g. log.dirs over log.dir) are
    /// applied only by the typed properties.
    /// </summary>
    /// <exception cref="ArgumentException">No such setting.</exception>
    public object? Get(string name) => Setting(name).Value;

    /// <summary>
    /// The value in Kafka's text form (lists comma-joined, booleans lower-case), as DescribeConfigs reports it;
    /// null when unset and always null for sensitive settings.
    /// </summary>
    public string? GetString(string name)
    {
        var setting = Setting(name);
        return setting.Key.IsSensitive ? null : ConfigValueParser.Render(setting.Value);
    }

    /// <summary>Where the value of <paramref name="name"/> came from.</summary>
    public ConfigSource Source(string name) => Setting(name).Source;

    /// <summary>True when the setting was given in the file or an override, rather than defaulted.</summary>
    public bool IsSet(string name) => Setting(name).Source.Kind != ConfigSourceKind.Default;

    private ResolvedSetting Setting(string name)
    {
        if (_settings.TryGetValue(name, out var setting))
            return setting;
        var suggestion = BrokerConfigDef.SuggestKey(name);
        throw new ArgumentException(
            suggestion is null ? $"Unknown setting '{name}'" : $"Unknown setting '{name}' (did you mean '{suggestion}'?)",
            nameof(name));
    }

    private T Value<T>(string name) => (T)Setting(name).Value!;

    private T? Optional<T>(string name)
        where T : struct => Setting(name).Value is T value ? value : null;

    /// <summary>One resolved setting; <see cref="Raw"/> is the text it came from (the default text when defaulted).</summary>
    private sealed record ResolvedSetting(ConfigKey Key, object? Value, string? Raw, ConfigSource Source);
}
