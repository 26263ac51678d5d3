namespace Broker.Protocol.Generator.Model;

/// <summary>An inclusive range of versions parsed from "3+", "3-9", "3", "none" or "". Immutable.</summary>
public readonly record struct VersionRange(short Min, short Max)
{
    public static readonly VersionRange None = new(1, 0);

    public static readonly VersionRange All = new(0, short.MaxValue);

    public bool IsEmpty => Min > Max;

    public static VersionRange Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text == "none")
        {
            return None;
        }

        text = text.Trim();
        if (text.EndsWith('+'))
        {
            return new VersionRange(short.Parse(text[..^1]), short.MaxValue);
        }

        var dash = text.IndexOf('-');
        if (dash > 0)
        {
            return new VersionRange(short.Parse(text[..dash]), short.Parse(text[(dash + 1)..]));
        }

        var single = short.Parse(text);
        return new VersionRange(single, single);
    }

    public VersionRange Intersect(VersionRange other)
    {
        var result = new VersionRange(Math.Max(Min, other.Min), Math.Min(Max, other.Max));
        return IsEmpty || other.IsEmpty || result.IsEmpty ? None : result;
    }

    public bool Contains(VersionRange other) => other.IsEmpty || (!IsEmpty && Min <= other.Min && Max >= other.Max);

    public bool Contains(short version) => version >= Min && version <= Max;

    /// <summary>
    /// C# boolean expression over <c>version</c> that is true inside this range, assuming <c>version</c> is already
    /// known to lie in <paramref name="context"/>; bounds the context implies are left out.
    /// </summary>
    public string Condition(VersionRange context)
    {
        var effective = Intersect(context);
        if (effective.IsEmpty)
        {
            return "false";
        }

        var lower = effective.Min > context.Min;
        var upper = effective.Max < context.Max;
        if (lower && upper && effective.Min == effective.Max)
        {
            return $"version == {effective.Min}";
        }

        if (lower && upper)
        {
            return $"version >= {effective.Min} && version <= {effective.Max}";
        }

        return lower ? $"version >= {effective.Min}" : upper ? $"version <= {effective.Max}" : "true";
    }

    public override string ToString() => IsEmpty ? "none" : Max == short.MaxValue ? $"{Min}+" : Min == Max ? $"{Min}" : $"{Min}-{Max}";
}
