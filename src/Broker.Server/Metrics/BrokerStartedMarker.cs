using Microsoft.Extensions.Hosting;

namespace Broker.Server.Metrics;

/// <summary>
/// Marks the broker joined (<see cref="BrokerHealth.MarkJoined"/>): registered as the last hosted service, it starts
/// only once the broker server (registration, metadata, listeners) and every other service started.
/// </summary>
public sealed class BrokerStartedMarker(BrokerHealth health) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        health.MarkJoined();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
