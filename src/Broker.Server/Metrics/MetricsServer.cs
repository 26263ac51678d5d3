using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Broker.Server.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Broker.Server.Metrics;

/// <summary>
/// The HTTP endpoint of <c>metrics.listener</c>: <c>GET /metrics</c> (Prometheus text format), <c>/health/live</c>
/// (200 while the process serves) and <c>/health/ready</c> (200 "ready", else 503 with a one-line reason, see
/// <see cref="BrokerHealth"/>). Started before the broker joins its cluster (so "not ready" is observable during
/// start-up) and stopped after the broker stopped (so it is observable during the controlled shutdown). A bind failure
/// stops the start-up with the reason.
/// A plain socket with <see cref="HttpExchange"/>, not HttpListener: on Stop, HttpListener closes the requests it had
/// queued with an empty 200, so a readiness probe arriving during shutdown read "ready" (seen by ReadinessTests). Here
/// stopping closes unanswered connections without an answer, which probes count as a failure.
/// Requests are served concurrently, each with a 10 s bound; thread-safe.
/// </summary>
/// <param name="collectors">The scrape-time gauge sets (<see cref="ReplicaGauges"/>, <see cref="ConsumerGroupGauges"/>): they
/// register in <paramref name="metrics"/>' registry when built; taking them here builds them with the server.</param>
public sealed partial class MetricsServer(BrokerConfig config, BrokerMetrics metrics, BrokerHealth health, IHostApplicationLifetime lifetime,
    ILogger<MetricsServer> logger, IReadOnlyList<object> collectors) : IHostedService
{
    private static readonly TimeSpan RequestBound = TimeSpan.FromSeconds(10);

    /// <summary>The gauge sets exported with the counters.</summary>
    public IReadOnlyList<object> Collectors { get; } = collectors;

    private readonly ILogger _logger = logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, byte> _inFlight = new();
    private Socket? _listener;
    private Task? _loop;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStopping.Register(health.MarkStopping);
        if (config.MetricsListener is not { } endpoint) return Task.CompletedTask;
        var address = endpoint.BindAddress();
        var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (address.Equals(IPAddress.IPv6Any)) listener.DualMode = true;
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(new IPEndPoint(address, endpoint.Port));
            listener.Listen(64);
        }
        catch (SocketException e)
        {
            listener.Dispose();
            throw new InvalidOperationException($"metrics.listener={endpoint}: cannot listen ({e.Message})", e);
        }

        _listener = listener;
        _loop = Task.Run(() => AcceptAsync(listener));
        LogListening(endpoint.ToString());
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_listener is null) return;
        await _stopping.CancelAsync().ConfigureAwait(false); // unanswered requests end without an answer
        _listener.Dispose();
        if (_loop is not null) await _loop.ConfigureAwait(false);
        await Task.WhenAll(_inFlight.Keys).ConfigureAwait(false);
    }

    private async Task AcceptAsync(Socket listener)
    {
        while (true)
        {
            Socket connection;
            try
            {
                connection = await listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return; // stopped
            }

            var serving = ServeAsync(connection);
            _inFlight.TryAdd(serving, 0);
            _ = serving.ContinueWith(t => _inFlight.TryRemove(t, out _), TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(Socket connection)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        bound.CancelAfter(RequestBound);
        string path = "?";
        try
        {
            var request = await HttpExchange.ReadRequestAsync(connection, bound.Token).ConfigureAwait(false);
            if (request is not { } r)
            {
                await TextAsync(connection, 400, "bad request", headOnly: false, bound.Token).ConfigureAwait(false);
                return;
            }

            path = r.Path;
            if (r.Method is not ("GET" or "HEAD"))
            {
                await TextAsync(connection, 405, "only GET and HEAD", headOnly: false, bound.Token).ConfigureAwait(false);
                return;
            }

            await AnswerAsync(connection, r.Path, r.Method == "HEAD", bound.Token).ConfigureAwait(false);
            connection.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // the scraper left, the request took too long, or the broker is stopping
        }
        catch (Exception e)
        {
            LogScrapeFailed(path, e);
        }
        finally
        {
            connection.Dispose();
        }
    }

    private async Task AnswerAsync(Socket connection, string path, bool headOnly, CancellationToken cancellationToken)
    {
        switch (path.TrimEnd('/'))
        {
            case "/metrics":
                using (var text = new MemoryStream())
                {
                    await metrics.Registry.CollectAndExportAsTextAsync(text, cancel: cancellationToken).ConfigureAwait(false);
                    await HttpExchange.RespondAsync(connection, 200, "text/plain; version=0.0.4; charset=utf-8",
                        text.GetBuffer().AsMemory(0, (int)text.Length), headOnly, cancellationToken).ConfigureAwait(false);
                }

                return;
            case "/health/live":
                await TextAsync(connection, 200, "live", headOnly, cancellationToken).ConfigureAwait(false);
                return;
            case "/health/ready":
                var reason = health.NotReadyReason();
                await TextAsync(connection, reason is null ? 200 : 503, reason is null ? "ready" : "not ready: " + reason, headOnly, cancellationToken)
                    .ConfigureAwait(false);
                return;
            default:
                await TextAsync(connection, 404, "not found: try /metrics, /health/live or /health/ready", headOnly, cancellationToken)
                    .ConfigureAwait(false);
                return;
        }
    }

    private static Task TextAsync(Socket connection, int status, string line, bool headOnly, CancellationToken cancellationToken) =>
        HttpExchange.RespondAsync(connection, status, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(line + "\n"), headOnly, cancellationToken);

    [LoggerMessage(3400, LogLevel.Information, "Metrics and health served on {Endpoint} (/metrics, /health/live, /health/ready)")]
    private partial void LogListening(string endpoint);

    [LoggerMessage(3401, LogLevel.Warning, "Metrics endpoint: answering {Path} failed")]
    private partial void LogScrapeFailed(string path, Exception ex);
}
