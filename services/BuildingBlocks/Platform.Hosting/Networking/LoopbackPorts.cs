using System.Net;
using System.Net.Sockets;

namespace Platform.Hosting.Networking;

/// <summary>
/// Finds loopback ports nobody listens on, for processes that must know a port before binding it (the dev host's
/// ledger replicas all need each other's addresses; test fixtures). Ports come from below the kernel's ephemeral range:
/// a port the OS hands out for "port 0" is also what it hands out as the source port of outgoing connections, and with
/// many connections open one was taken between being found free and being bound (clean-clone test runs). Ports are
/// tried in turn from a random start in each process, so parallel processes rarely try the same one.
/// </summary>
public static class LoopbackPorts
{
    private const int Lowest = 10000;
    private static readonly Lock Gate = new();
    private static readonly int Highest = EphemeralRangeStart() - 1;
    private static int _next = Random.Shared.Next(Lowest, Highest + 1);

    public static int Next() => Allocate(1)[0].Port;

    /// <summary>Distinct free loopback endpoints.</summary>
    public static IPEndPoint[] Allocate(int count)
    {
        lock (Gate)
        {
            var found = new List<IPEndPoint>(count);
            for (var tried = 0; found.Count < count; tried++)
            {
                if (tried > Highest - Lowest)
                {
                    throw new InvalidOperationException($"No free loopback port between {Lowest} and {Highest}.");
                }
                var port = _next;
                _next = _next >= Highest ? Lowest : _next + 1;
                if (IsFree(port))
                {
                    found.Add(new IPEndPoint(IPAddress.Loopback, port));
                }
            }
            return [.. found];
        }
    }

    /// <summary>
    /// The first of <paramref name="count"/> consecutive free loopback ports (the dev host puts a service's replicas on
    /// consecutive ports); later calls in this process hand out none of them.
    /// </summary>
    public static int AllocateConsecutive(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        lock (Gate)
        {
            for (var tried = 0; tried <= Highest - Lowest; tried++)
            {
                var first = _next;
                if (first + count - 1 > Highest)
                {
                    _next = Lowest;
                    continue;
                }
                _next = first + count > Highest ? Lowest : first + count;
                if (Enumerable.Range(first, count).All(IsFree))
                {
                    return first;
                }
            }
            throw new InvalidOperationException($"No {count} consecutive free loopback ports between {Lowest} and {Highest}.");
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    // Linux's default is 32768-60999 (net.ipv4.ip_local_port_range); elsewhere assume IANA's 49152.
    private static int EphemeralRangeStart()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        var start = File.Exists(range) && int.TryParse(File.ReadAllText(range).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0], out var low) ? low : 49152;
        return Math.Max(start, Lowest + 1000);
    }
}
