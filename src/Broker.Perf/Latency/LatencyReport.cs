using System.Globalization;
using Broker.Perf.Common;

namespace Broker.Perf.Latency;

/// <summary>
/// Prints EndToEndLatency's summary: <c>Avg latency: %.4f ms</c> and <c>Percentiles: 50th = %d, 99th = %d, 99.9th = %d</c>
/// with Kafka's whole-millisecond values indexed as <c>(int)(n × p)</c> on the sorted array, then the same percentiles
/// in microseconds (whole ms cannot show a 1 ms target). Input: latencies in microseconds.
/// </summary>
internal static class LatencyReport
{
    public static void Print(TextWriter output, long[] latenciesUs, int count)
    {
        Array.Sort(latenciesUs, 0, count);
        double avgMs = count == 0 ? 0 : latenciesUs.Take(count).Sum(v => (double)v) / count / 1000.0;
        output.WriteLine($"Avg latency: {JavaFormat.F(avgMs, 4)} ms");
        output.WriteLine();
        output.WriteLine($"Percentiles: 50th = {At(latenciesUs, count, 0.5) / 1000}, 99th = {At(latenciesUs, count, 0.99) / 1000}, " +
                         $"99.9th = {At(latenciesUs, count, 0.999) / 1000}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Percentiles (us): 50th = {At(latenciesUs, count, 0.5)}, 99th = {At(latenciesUs, count, 0.99)}, " +
            $"99.9th = {At(latenciesUs, count, 0.999)}, max = {(count == 0 ? 0 : latenciesUs[count - 1])}"));
        output.Flush();
    }

    private static long At(long[] sorted, int count, double p) => count == 0 ? 0 : sorted[Math.Min(count - 1, (int)(count * p))];
}
