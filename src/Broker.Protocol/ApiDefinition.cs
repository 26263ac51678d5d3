namespace Broker.Protocol;

/// <summary>
/// One API's supported request versions and the first version that uses flexible (KIP-482) encodings.
/// Immutable; the table of all of them is the generated <see cref="ApiDefinitions"/>.
/// </summary>
/// <param name="Key">The API key.</param>
/// <param name="Name">Kafka's name of the API, e.g. "ApiVersions".</param>
/// <param name="MinVersion">Lowest supported request version.</param>
/// <param name="MaxVersion">Highest supported request version.</param>
/// <param name="FlexibleFromVersion">First flexible version, or -1 if no version is flexible.</param>
public readonly record struct ApiDefinition(ApiKey Key, string Name, short MinVersion, short MaxVersion, short FlexibleFromVersion)
{
    public bool IsSupported(short version) => version >= MinVersion && version <= MaxVersion;

    /// <summary>True for flexible versions, including versions above <see cref="MaxVersion"/>.</summary>
    public bool IsFlexible(short version) => FlexibleFromVersion >= 0 && version >= FlexibleFromVersion;
}
