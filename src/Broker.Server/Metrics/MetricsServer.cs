using System.Net;
using System.Text;
using Broker.Server.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Broker.Server.Metrics;

/// <summary>
/// The HTTP endpoint of <c>metrics.listener</c>: <c>GET /metrics</c> (Prometheus text format), <c>/health/live</c>
/// (200 while the process serves) and <c>/health/ready</c> (200 "ready", else 503 with a one-line reason, see
/// <see cref="BrokerHealth"/>). Built on <see cref="HttpListener"/> (no ASP.NET). Started before the broker joins its
/// cluster (so "not ready" is observable during start-up) and stopped after the broker stopped (so it is observable
/// during the controlled shutdown). A bind failure stops the start-up with the reason. Requests are served one at a
/// time: scrapes are rare and each is cheap.
/// </summary>
/// <param name="collectors">The scrape-time gauge sets (<see cref="ReplicaGauges"/>, <see cref="ConsumerGroupGauges"/>): they
/// register in <paramref name="metrics"/>' registry when built; taking them here builds them with the server.</param>
public sealed partial class MetricsServer(BrokerConfig config, BrokerMetrics metrics, BrokerHealth health, IHostApplicationLifetime lifetime,
    ILogger<MetricsServer> logger, IReadOnlyList<object> collectors) : IHostedService
{
    /// <summary>The gauge sets exported with the counters.</summary>
    public IReadOnlyList<object> Collectors { get; } = collectors;

    private readonly ILogger _logger = logger;
    private HttpListener? _listener;
    private Task? _loop;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStopping.Register(health.MarkStopping);
        if (config.MetricsListener is not { } endpoint) return Task.CompletedTask;
        var listener = new HttpListener();
        listener.Prefixes.Add(endpoint.Prefix);
        try
        {
            listener.Start();
        }
        catch (HttpListenerException e)
        {
            listener.Close();
            throw new InvalidOperationException($"metrics.listener={endpoint}: cannot listen ({e.Message})", e);
        }

        _listener = listener;
        _loop = Task.Run(() => ServeAsync(listener));
        LogListening(endpoint.ToString());
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_listener is null) return;
        _listener.Stop();
        if (_loop is not null) await _loop.ConfigureAwait(false);
        _listener.Close();
    }

    private async Task ServeAsync(HttpListener listener)
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped
            }

            try
            {
                await AnswerAsync(context).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
            {
                // the scraper left
            }
            catch (Exception e)
            {
                LogScrapeFailed(context.Request.Url?.AbsolutePath ?? "?", e);
                try { context.Response.Abort(); } catch (ObjectDisposedException) { }
            }
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var response = context.Response;
        switch (context.Request.Url?.AbsolutePath.TrimEnd('/'))
        {
            case "/metrics":
                response.StatusCode = 200;
                response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                await metrics.Registry.CollectAndExportAsTextAsync(response.OutputStream).ConfigureAwait(false);
                response.Close();
                return;
            case "/health/live":
                await TextAsync(response, 200, "live").ConfigureAwait(false);
                return;
            case "/health/ready":
                var reason = health.NotReadyReason();
                await TextAsync(response, reason is null ? 200 : 503, reason is null ? "ready" : "not ready: " + reason).ConfigureAwait(false);
                return;
            default:
                await TextAsync(response, 404, "not found: try /metrics, /health/live or /health/ready").ConfigureAwait(false);
                return;
        }
    }

    private static async Task TextAsync(HttpListenerResponse response, int status, string line)
    {
        var body = Encoding.UTF8.GetBytes(line + "\n");
        response.StatusCode = status;
        response.ContentType = "text/plain; charset=utf-8";
        response.ContentLength64 = body.Length;
        await response.OutputStream.WriteAsync(body).ConfigureAwait(false);
        response.Close();
    }

    [LoggerMessage(3400, LogLevel.Information, "Metrics and health served on {Endpoint} (/metrics, /health/live, /health/ready)")]
    private partial void LogListening(string endpoint);

    [LoggerMessage(3401, LogLevel.Warning, "Metrics endpoint: answering {Path} failed")]
    private partial void LogScrapeFailed(string path, Exception ex);
}
