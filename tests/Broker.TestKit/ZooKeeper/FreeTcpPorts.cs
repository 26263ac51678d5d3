using System.Net;
using System.Net.Sockets;

namespace Broker.TestKit.ZooKeeper;

/// <summary>Free loopback ports found by binding port 0. All are held until every one is chosen so they differ.</summary>
internal static class FreeTcpPorts
{
    public static int[] Allocate(int count)
    {
        var listeners = new List<TcpListener>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }

            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
            }
        }
    }
}
