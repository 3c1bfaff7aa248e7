using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Platform.Wallet.Cli;

/// <summary>
/// RFC 8252 §7.3 loopback interface redirection: the wallet listens on <c>127.0.0.1</c> (the IP literal, not
/// <c>localhost</c>: §8.3) at a port the system gives it (or <c>--redirect-port</c>) for the one GET of
/// <c>/callback</c> the browser is redirected to, answers the browser with a short page saying what happened, and
/// stops. Other paths get 404; a connection that sends no request within a few seconds (a browser's preconnect) is
/// dropped. Nothing it receives is logged.
/// </summary>
internal sealed class LoopbackRedirectListener : IDisposable
{
    public const string CallbackPath = "/callback";
    private const int MaxRequestHead = 16 * 1024;
    private static readonly TimeSpan ConnectionTimeout = TimeSpan.FromSeconds(5);

    private readonly TcpListener _listener;

    /// <exception cref="CliException">The port cannot be listened on.</exception>
    public LoopbackRedirectListener(int port)
    {
        _listener = new TcpListener(IPAddress.Loopback, port);
        try
        {
            _listener.Start();
        }
        catch (SocketException ex)
        {
            throw CliException.Failure($"cannot listen on 127.0.0.1:{port} for the redirect: {ex.Message}");
        }
        RedirectUri = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}{CallbackPath}");
    }

    public Uri RedirectUri { get; }

    /// <summary>
    /// Waits for the redirect, hands it to <paramref name="check"/>, and tells the browser the outcome; a
    /// <see cref="CliException"/> from <paramref name="check"/> is shown on the page and thrown on.
    /// </summary>
    public async Task<T> ReceiveAsync<T>(Func<Uri, T> check, CancellationToken cancellationToken)
    {
        while (true)
        {
            using var client = await _listener.AcceptTcpClientAsync(cancellationToken).ConfigureAwait(false);
            await using var stream = client.GetStream();
            string? target;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(ConnectionTimeout);
                try
                {
                    target = await ReadGetTargetAsync(stream, timeout.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is OperationCanceledException or IOException && !cancellationToken.IsCancellationRequested)
                {
                    continue;
                }
            }
            if (target is null || !(target == CallbackPath || target.StartsWith(CallbackPath + "?", StringComparison.Ordinal)))
            {
                await RespondAsync(stream, 404, "Not found", "Not found.", cancellationToken).ConfigureAwait(false);
                continue;
            }
            T result;
            try
            {
                result = check(new Uri(RedirectUri, target));
            }
            catch (CliException ex)
            {
                await RespondAsync(stream, 400, "Bad Request", "The wallet did not accept this answer: " + ex.Message, cancellationToken).ConfigureAwait(false);
                throw;
            }
            await RespondAsync(stream, 200, "OK", "The wallet has the authorization. You can close this tab and return to the terminal.", cancellationToken)
                .ConfigureAwait(false);
            return result;
        }
    }

    /// <summary>The request target of a <c>GET</c> request line; null for anything else.</summary>
    private static async Task<string?> ReadGetTargetAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxRequestHead];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return null;
            }
            length += read;
            if (buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8) >= 0)
            {
                break;
            }
        }
        var head = Encoding.ASCII.GetString(buffer, 0, length);
        var line = head[..Math.Max(0, head.IndexOf("\r\n", StringComparison.Ordinal))].Split(' ');
        return line is ["GET", var target, var version] && version.StartsWith("HTTP/1.", StringComparison.Ordinal) && target.StartsWith('/') ? target : null;
    }

    private static async Task RespondAsync(NetworkStream stream, int status, string reason, string message, CancellationToken cancellationToken)
    {
        var html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Wallet</title></head><body><main><p>"
            + WebUtility.HtmlEncode(message) + "</p></main></body></html>";
        var body = Encoding.UTF8.GetBytes(html);
        var head = $"HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {body.Length}\r\n"
            + "Cache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nConnection: close\r\n\r\n";
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head), cancellationToken).ConfigureAwait(false);
            await stream.WriteAsync(body, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The browser went away: the outcome is on the terminal anyway.
        }
    }

    public void Dispose() => _listener.Stop();
}
