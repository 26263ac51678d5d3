namespace Broker.Protocol;

/// <summary>
/// Placed by the generator on every message property: the request/response versions in which the field is on
/// the wire (inclusive). Lets tests and tools reason about versions without the JSON definitions.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class ProtocolFieldAttribute : Attribute
{
    public ProtocolFieldAttribute(short minVersion, short maxVersion)
    {
        MinVersion = minVersion;
        MaxVersion = maxVersion;
    }

    public short MinVersion { get; }

    public short MaxVersion { get; }

    /// <summary>Tag number for tagged fields, -1 otherwise.</summary>
    public int Tag { get; init; } = -1;

    public bool Contains(short version) => version >= MinVersion && version <= MaxVersion;
}
