using System.Diagnostics.CodeAnalysis;

namespace Broker.Server.Configuration;

/// <summary>
/// The one table of every broker setting: name, type, default, validator, importance and doc. Defaults live here and
/// nowhere else; <see cref="BrokerConfig"/> reads them through this table and <c>docs/configuration.md</c> is rendered
/// from it (<see cref="RenderMarkdown"/>). The rows are split by docs section into <c>BrokerConfigDef.*.cs</c>.
/// Immutable and thread-safe.
/// </summary>
/// <remarks>
/// To add a setting: add a row in the matching section file, expose a typed property on <see cref="BrokerConfig"/> if
/// code needs it, then regenerate the docs (<c>UPDATE_DOCS=1</c>, see <see cref="RenderMarkdown"/>).
/// </remarks>
public static partial class BrokerConfigDef
{
    /// <summary>Every setting, in docs order (by section, then as listed).</summary>
    public static IReadOnlyList<ConfigKey> All { get; } = Build();

    private static readonly Dictionary<string, ConfigKey> ByName = All.ToDictionary(k => k.Name, StringComparer.Ordinal);

    /// <summary>Finds a setting by its exact (case-sensitive) name.</summary>
    public static bool TryFind(string name, [NotNullWhen(true)] out ConfigKey? key) => ByName.TryGetValue(name, out key);

    /// <summary>The known setting closest to <paramref name="name"/> by edit distance, or null if none is close.</summary>
    public static string? SuggestKey(string name) => KeySuggester.Closest(name, All.Select(k => k.Name));

    private static List<ConfigKey> Build() =>
    [
        .. Section("Server basics", ServerBasics()),
        .. Section("Listeners and sockets", ListenersAndSockets()),
        .. Section("Log basics", LogBasics()),
        .. Section("Log flush", LogFlush()),
        .. Section("Log retention and cleanup", LogRetention()),
        .. Section("Replication and leadership", Replication()),
        .. Section("ZooKeeper", ZooKeeper()),
        .. Section("Group coordinator and offsets", GroupsAndOffsets()),
        .. Section("Transactions", Transactions()),
        .. Section("Security", [.. Security(), .. Sasl()]),
        .. Section("Metrics and health", MetricsSettings()),
    ];

    private static IEnumerable<ConfigKey> Section(string group, IEnumerable<ConfigKey> keys) =>
        keys.Select(k => k with { Group = group });

    private static ConfigKey Int(string name, string? @default, ConfigValidator? validator, ConfigImportance importance, string doc) =>
        new(name, ConfigType.Int, @default, validator, importance, doc);

    private static ConfigKey Long(string name, string? @default, ConfigValidator? validator, ConfigImportance importance, string doc) =>
        new(name, ConfigType.Long, @default, validator, importance, doc);

    private static ConfigKey Bool(string name, string @default, ConfigImportance importance, string doc) =>
        new(name, ConfigType.Bool, @default, null, importance, doc);

    private static ConfigKey Str(string name, string? @default, ConfigValidator? validator, ConfigImportance importance, string doc) =>
        new(name, ConfigType.String, @default, validator, importance, doc);

    private static ConfigKey List(string name, string? @default, ConfigValidator? validator, ConfigImportance importance, string doc) =>
        new(name, ConfigType.List, @default, validator, importance, doc);

    private static ConfigKey Double(string name, string? @default, ConfigValidator? validator, ConfigImportance importance, string doc) =>
        new(name, ConfigType.Double, @default, validator, importance, doc);

    private static ConfigKey Password(string name, ConfigImportance importance, string doc) =>
        new(name, ConfigType.Password, null, null, importance, doc);
}
