namespace Broker.Server.Configuration;

public sealed partial class BrokerConfig
{
    private static Dictionary<string, ResolvedSetting> Resolve(IEnumerable<PropertyEntry> entries, List<ConfigWarning> warnings)
    {
        var errors = new List<ConfigException>();
        var chosen = ChooseEntries(entries, warnings, errors);
        var settings = new Dictionary<string, ResolvedSetting>(StringComparer.Ordinal);
        foreach (var key in BrokerConfigDef.All)
        {
            var (raw, source) = chosen.TryGetValue(key.Name, out var entry)
                ? (entry.Value, entry.Source)
                : (key.Default, ConfigSource.Default);
            try
            {
                var value = raw is null ? null : Convert(key, raw, source, warnings);
                if (key.RefusedReason is not null && source.Kind != ConfigSourceKind.Default && !IsDefault(key, value))
                    throw new ConfigException(source, key.Name, key.IsSensitive ? null : raw, "is refused: " + key.RefusedReason);
                settings.Add(key.Name, new ResolvedSetting(key, value, raw, source));
            }
            catch (ConfigException e)
            {
                errors.Add(e);
            }
        }

        if (errors.Count == 1)
            throw errors[0];
        if (errors.Count > 1)
        {
            // File order reads best: the operator fixes the file top to bottom.
            var ordered = errors.OrderBy(e => e.Location, SourceOrder).Select(e => e.Message);
            throw new ConfigException(string.Join(Environment.NewLine, ordered));
        }

        return settings;
    }

    private static bool IsDefault(ConfigKey key, object? value)
    {
        object? @default = null;
        if (key.Default is not null) ConfigValueParser.TryParse(key.Type, key.Default, out @default, out _);
        return ConfigValueParser.Render(value) == ConfigValueParser.Render(@default);
    }

    /// <summary>
    /// Picks the entry that counts for each known key: an override beats any file entry, and within the same kind the
    /// last one wins (as in Java), with a warning. Unknown keys are dropped with a warning, except security keys (<see cref="BrokerConfigDef.UnservedSecurityReason"/>),
    /// which are refused: a security setting is never accepted and ignored.
    /// </summary>
    private static Dictionary<string, PropertyEntry> ChooseEntries(IEnumerable<PropertyEntry> entries, List<ConfigWarning> warnings, List<ConfigException> errors)
    {
        var chosen = new Dictionary<string, PropertyEntry>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (IsListenerPrefixed(entry.Key)) continue; // see ChooseListenerPrefixed
            if (!BrokerConfigDef.TryFind(entry.Key, out _) && BrokerConfigDef.UnservedSecurityReason(entry.Key) is { } refused)
            {
                errors.Add(new ConfigException(entry.Source, entry.Key, null, "is refused: " + refused));
                continue;
            }

            if (!BrokerConfigDef.TryFind(entry.Key, out _))
            {
                var suggestion = BrokerConfigDef.SuggestKey(entry.Key);
                warnings.Add(new(entry.Source, suggestion is null
                    ? $"{entry.Source}: unknown setting '{entry.Key}' (ignored)"
                    : $"{entry.Source}: unknown setting '{entry.Key}' (did you mean '{suggestion}'?)"));
                continue;
            }

            if (chosen.TryGetValue(entry.Key, out var previous))
            {
                if (previous.Source.Kind == ConfigSourceKind.Override && entry.Source.Kind == ConfigSourceKind.File)
                    continue;
                if (previous.Source.Kind == entry.Source.Kind)
                    warnings.Add(new(entry.Source, $"{entry.Source}: {entry.Key} is set again (first at {previous.Source}); the last value wins"));
            }

            chosen[entry.Key] = entry;
        }

        return chosen;
    }

    /// <summary>The listener-prefixed SASL entries, with the same precedence as known keys (override, then last).</summary>
    private static Dictionary<string, PropertyEntry> ChooseListenerPrefixed(IEnumerable<PropertyEntry> entries)
    {
        var chosen = new Dictionary<string, PropertyEntry>(StringComparer.Ordinal);
        foreach (var entry in entries.Where(e => IsListenerPrefixed(e.Key)))
        {
            if (chosen.TryGetValue(entry.Key, out var previous) && previous.Source.Kind == ConfigSourceKind.Override &&
                entry.Source.Kind == ConfigSourceKind.File)
                continue;
            chosen[entry.Key] = entry;
        }

        return chosen;
    }

    /// <summary>Types and validates one raw value; forgives <c>168 # comment</c> for scalar settings, with a warning.</summary>
    private static object? Convert(ConfigKey key, string raw, ConfigSource source, List<ConfigWarning> warnings)
    {
        if (!ConfigValueParser.TryParse(key.Type, raw, out var value, out var reason))
        {
            var beforeComment = ConfigValueParser.IsScalar(key.Type) ? InlineComment.ValueBefore(raw) : null;
            if (beforeComment is null || !ConfigValueParser.TryParse(key.Type, beforeComment, out value, out _))
                throw new ConfigException(source, key.Name, raw, reason);

            warnings.Add(new(source, $"{source}: {key.Name} = '{raw}': '#' only starts a comment at the beginning of a line; " +
                                     $"using '{beforeComment}' (move the comment to its own line)"));
        }
        else if (key.Type is ConfigType.String or ConfigType.List && LooksQuoted(raw))
        {
            warnings.Add(new(source, $"{source}: {key.Name} = '{raw}': quotes are not special in properties files and are kept in the value"));
        }

        var why = value is null ? null : key.Validator?.Validate(value);
        if (why is not null)
            throw new ConfigException(source, key.Name, raw, why);
        return value;
    }

    private static bool LooksQuoted(string raw)
    {
        var text = raw.Trim();
        return (text.Length >= 2 && text[0] is '"' or '\'' && text[^1] == text[0])
               || text.AsSpan().IndexOfAny("\u201C\u201D\u2018\u2019") >= 0;
    }

    /// <summary>Orders messages as the operator reads the inputs: the file top to bottom, then the overrides.</summary>
    private static readonly Comparer<ConfigSource?> SourceOrder = Comparer<ConfigSource?>.Create((a, b) =>
        a?.Kind != b?.Kind ? Nullable.Compare(a?.Kind, b?.Kind) : Nullable.Compare(a?.Line, b?.Line));

    private readonly record struct ConfigWarning(ConfigSource Source, string Message);
}
