using System.Globalization;
using System.Net.Http;

namespace Broker.IntegrationTests.Metrics;

/// <summary>One Prometheus text scrape parsed into samples; sums series by name and label filter. Immutable.</summary>
internal sealed class Scrape
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _samples = [];

    private Scrape(string text)
    {
        foreach (var raw in text.Split('\n'))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            int brace = line.IndexOf('{');
            int space = line.LastIndexOf(' ');
            string name = brace > 0 && brace < space ? line[..brace] : line[..space];
            var labels = new Dictionary<string, string>();
            if (brace > 0 && brace < space)
            {
                string inner = line[(brace + 1)..line.LastIndexOf('}')];
                foreach (var pair in inner.Split("\",", StringSplitOptions.RemoveEmptyEntries))
                {
                    int eq = pair.IndexOf('=');
                    labels[pair[..eq]] = pair[(eq + 1)..].Trim('"');
                }
            }

            _samples.Add((name, labels, double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture)));
        }
    }

    public static async Task<Scrape> GetAsync(int port) =>
        new(await Http.GetStringAsync($"http://127.0.0.1:{port}/metrics"));

    /// <summary>GET a health path: status code and body (-1 and the error when nothing answers).</summary>
    public static async Task<(int Status, string Body)> HealthAsync(int port, string path)
    {
        try
        {
            using var response = await Http.GetAsync($"http://127.0.0.1:{port}{path}");
            return ((int)response.StatusCode, (await response.Content.ReadAsStringAsync()).Trim());
        }
        catch (HttpRequestException e)
        {
            return (-1, e.Message);
        }
    }

    /// <summary>Sum of the samples named <paramref name="name"/> whose labels include every pair of <paramref name="labels"/>.</summary>
    public double Sum(string name, params (string Key, string Value)[] labels) =>
        _samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).Sum(s => s.Value);

    public bool Has(string name) => _samples.Any(s => s.Name == name);

    public static async Task<double> SumAllAsync(IEnumerable<int> ports, string name, params (string Key, string Value)[] labels)
    {
        double total = 0;
        foreach (int port in ports) total += (await GetAsync(port)).Sum(name, labels);
        return total;
    }
}
