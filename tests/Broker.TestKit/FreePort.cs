using System.Net;
using System.Net.Sockets;

namespace Broker.TestKit;

/// <summary>Free loopback TCP ports for servers started by tests.</summary>
public static class FreePort
{
    /// <summary>Asks the OS for a free port on 127.0.0.1. Another process could take it before it is bound again;
    /// callers that can bind port 0 themselves should do that instead.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
