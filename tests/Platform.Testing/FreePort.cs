using System.Net;
using System.Net.Sockets;
using Platform.Hosting.Networking;

namespace Platform.Testing;

/// <summary>
/// Free loopback ports for fixtures (<see cref="LoopbackPorts"/>: below the kernel's ephemeral range, bind-checked),
/// and waiting until a started process listens on one.
/// </summary>
public static class FreePort
{
    public static int Next() => LoopbackPorts.Next();

    /// <summary>Distinct free loopback endpoints.</summary>
    public static IPEndPoint[] Allocate(int count) => LoopbackPorts.Allocate(count);

    /// <summary>The first of <paramref name="count"/> consecutive free ports, none of which this process hands out again.</summary>
    public static int Consecutive(int count) => LoopbackPorts.AllocateConsecutive(count);

    public static async Task WaitUntilListeningAsync(int port, TimeSpan timeout, Func<string> diagnostics)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }
        throw new TimeoutException($"Nothing listened on 127.0.0.1:{port} within {timeout.TotalSeconds:F0} s. {diagnostics()}");
    }
}
