namespace Broker.Server.Configuration;

/// <summary>Where a resolved setting came from; DescribeConfigs maps this to its config source.</summary>
public enum ConfigSourceKind
{
    /// <summary>Not set anywhere: the value is the table default.</summary>
    Default,

    /// <summary>Set in a properties file.</summary>
    File,

    /// <summary>Set on the command line with <c>--override key=value</c>.</summary>
    Override,

    /// <summary>A dynamic cluster-wide default (KIP-226, <c>/config/brokers/&lt;default&gt;</c>).</summary>
    DynamicDefault,

    /// <summary>A dynamic config of this broker (KIP-226, <c>/config/brokers/&lt;id&gt;</c>).</summary>
    DynamicBroker,
}

/// <summary>
/// The origin of one setting. For <see cref="ConfigSourceKind.File"/>, <see cref="FileName"/> is the path as the user
/// gave it and <see cref="Line"/> is 1-based; otherwise <see cref="Line"/> is 0. Immutable.
/// </summary>
public readonly record struct ConfigSource(ConfigSourceKind Kind, string FileName, int Line)
{
    /// <summary>The name used for command-line overrides.</summary>
    public const string OverrideName = "--override";

    public static ConfigSource Default { get; } = new(ConfigSourceKind.Default, "default", 0);

    public static ConfigSource CommandLine { get; } = new(ConfigSourceKind.Override, OverrideName, 0);

    public static ConfigSource DynamicDefault { get; } = new(ConfigSourceKind.DynamicDefault, "/config/brokers/<default>", 0);

    public static ConfigSource DynamicBroker { get; } = new(ConfigSourceKind.DynamicBroker, "/config/brokers/<id>", 0);

    public static ConfigSource InFile(string fileName, int line) => new(ConfigSourceKind.File, fileName, line);

    /// <summary><c>file:line</c>, <c>--override</c> or <c>default</c>; the prefix of every config message.</summary>
    public override string ToString() => Kind == ConfigSourceKind.File ? $"{FileName}:{Line}" : FileName;
}
