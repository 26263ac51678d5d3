using System.Globalization;

namespace Broker.Perf.Common;

/// <summary>
/// Number and date formatting as Java's <c>String.format</c>/<c>SimpleDateFormat</c> print them in Kafka's tools
/// (<c>%.2f</c>, <c>%f</c> = six decimals, <c>yyyy-MM-dd HH:mm:ss:SSS</c>), always with '.' as the decimal point.
/// </summary>
internal static class JavaFormat
{
    public const string DefaultDateFormat = "yyyy-MM-dd HH:mm:ss:SSS";

    /// <summary>Fixed decimals like Java's <c>%.Nf</c> (Java rounds half-up; .NET's "F" does too for these).</summary>
    public static string F(double value, int decimals) => value.ToString("F" + decimals, CultureInfo.InvariantCulture);

    /// <summary>Formats a local time with a Java SimpleDateFormat pattern (the letters Kafka's default uses).</summary>
    public static string Date(DateTime local, string javaPattern) =>
        local.ToString(ToDotNetPattern(javaPattern), CultureInfo.InvariantCulture);

    /// <summary>Java → .NET pattern letters: S (milliseconds) becomes f; quoted ':' keeps .NET from treating it as the time separator.</summary>
    public static string ToDotNetPattern(string javaPattern) =>
        javaPattern.Replace('S', 'f').Replace(":", "':'", StringComparison.Ordinal);
}
