using System.Net;
using System.Net.Sockets;

namespace Platform.Ledger.FaultHarness;

/// <summary>
/// One direction of the network between two replicas: a loopback TCP proxy on its own address that forwards to the
/// target replica's current address, on the same ports (Raft and HTTP, so leader forwarding is cut too). The source
/// replica reaches the target only through it (its hosts file maps the target's name to this proxy).
/// <see cref="Cut"/> behaves like a partition, not like a crash: open connections stop moving bytes and are reset,
/// and new connections are accepted but never answered until <see cref="Restore"/>, so the source sees timeouts
/// rather than refusals.
/// </summary>
public sealed class LinkProxy : IAsyncDisposable
{
    private readonly Func<IPAddress> _target;
    private readonly List<Socket> _listeners = [];
    private readonly List<Task> _loops = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly HashSet<Socket> _open = [];
    private readonly List<Socket> _held = [];
    private volatile bool _cut;

    public LinkProxy(string from, string to, IPAddress address, IReadOnlyList<int> ports, Func<IPAddress> target)
    {
        (From, To, Address, _target) = (from, to, address, target);
        foreach (var port in ports)
        {
            var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(address, port));
            listener.Listen(128);
            _listeners.Add(listener);
            _loops.Add(AcceptAsync(listener, port));
        }
    }

    public string From { get; }

    public string To { get; }

    /// <summary>The address the source replica resolves the target's name to.</summary>
    public IPAddress Address { get; }

    public bool IsCut => _cut;

    /// <summary>Drops the link: resets every open connection and leaves new ones hanging.</summary>
    public void Cut()
    {
        lock (_gate)
        {
            _cut = true;
            foreach (var socket in _open)
                Reset(socket);
            _open.Clear();
        }
    }

    /// <summary>Restores the link; connections held while it was cut are closed, so the source reconnects.</summary>
    public void Restore()
    {
        lock (_gate)
        {
            _cut = false;
            foreach (var socket in _held)
                Reset(socket);
            _held.Clear();
        }
    }

    private async Task AcceptAsync(Socket listener, int port)
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = ForwardAsync(client, port);
        }
    }

    private async Task ForwardAsync(Socket client, int port)
    {
        lock (_gate)
        {
            if (_cut)
            {
                _held.Add(client);
                return;
            }
        }
        var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            client.NoDelay = true;
            await upstream.ConnectAsync(new IPEndPoint(_target(), port), _stop.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            Reset(client);
            upstream.Dispose();
            return;
        }
        lock (_gate)
        {
            if (_cut)
            {
                _held.Add(client);
                upstream.Dispose();
                return;
            }
            _open.Add(client);
            _open.Add(upstream);
        }
        await Task.WhenAny(PumpAsync(client, upstream), PumpAsync(upstream, client));
        lock (_gate)
        {
            _open.Remove(client);
            _open.Remove(upstream);
        }
        Reset(client);
        Reset(upstream);
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0 || _cut)
                    return;
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // reset by either side or by Cut
        }
    }

    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0); // RST, not FIN: the peer must not wait for more data
            socket.Close();
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var listener in _listeners)
            listener.Dispose();
        Cut();
        Restore();
        await Task.WhenAll(_loops);
        _stop.Dispose();
    }
}
