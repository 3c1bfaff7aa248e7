using System.Net;
using System.Net.Sockets;

namespace Platform.Ledger.Replication.Tests.Support;

internal static class FreePorts
{
    /// <summary>Asks the OS for distinct free loopback endpoints (all listeners are held open until every port is known).</summary>
    public static IPEndPoint[] Allocate(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        try
        {
            foreach (var listener in listeners)
                listener.Start();
            return [.. listeners.Select(l => new IPEndPoint(IPAddress.Loopback, ((IPEndPoint)l.LocalEndpoint).Port))];
        }
        finally
        {
            foreach (var listener in listeners)
                listener.Stop();
        }
    }
}
