using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;

namespace Broker.Host;

/// <summary>
/// Stops the host on SIGTERM, SIGINT (Ctrl+C) and SIGQUIT, without the "Application started" banner the default
/// console lifetime prints: the broker logs its own ready line.
/// </summary>
internal sealed class ConsoleLifetimeWithoutBanner(IHostApplicationLifetime lifetime) : IHostLifetime, IDisposable
{
    private readonly List<PosixSignalRegistration> _registrations = [];

    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGQUIT })
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                // Keep the process alive until the host has stopped gracefully.
                context.Cancel = true;
                lifetime.StopApplication();
            }));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
    }
}
