using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Platform.Ledger.Node;
using Platform.Ledger.Replication;

namespace Platform.Ledger.Api;

/// <summary>
/// On a consortium ledger, admits a forwarded command (<c>POST /internal/commands</c>) only when it is signed by the
/// key of a Raft TLS certificate this replica would accept from a peer now (<see cref="ForwardSignature"/>): a member
/// CA of the configuration in force, client authentication, bound to its institution. No token is accepted there: a
/// token every institution holds would let any of them forward as another's replica.
/// </summary>
/// <remarks>
/// Refusals are 401 problem+json with code <c>forward_refused</c> and the reason; the request body is read (at most
/// the largest Raft command) to check the signature, then handed on. A signature is accepted once: a forward copied
/// on its way (a TLS-terminating proxy) cannot be replayed within its time window.
/// </remarks>
public sealed partial class ForwarderCertificateFilter(ReplicaTls tls, string ledgerId, TimeProvider clock, ILogger logger) : IEndpointFilter
{
    private const int MaxBody = 1024 * 1024;

    // Signatures accepted, with when they can be forgotten (their time window is over).
    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private long _lastSweep;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var (refusal, forwarder) = await CheckAsync(http.Request, http.RequestAborted);
        if (refusal is not null)
        {
            LogRefused(logger, http.Connection.RemoteIpAddress?.ToString(), forwarder, refusal);
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "The forward is not from a member replica.",
                detail: refusal, extensions: new Dictionary<string, object?> { ["code"] = "forward_refused" });
        }
        return await next(context);
    }

    private async Task<(string? Refusal, string? Forwarder)> CheckAsync(HttpRequest request, CancellationToken ct)
    {
        if (!request.Headers.TryGetValue(ForwardSignature.CertificateHeader, out var certificateHeader)
            || !request.Headers.TryGetValue(ForwardSignature.TimeHeader, out var timeHeader)
            || !request.Headers.TryGetValue(ForwardSignature.SignatureHeader, out var signatureHeader))
            return ($"A consortium replica forwards with {ForwardSignature.CertificateHeader}, {ForwardSignature.TimeHeader} and {ForwardSignature.SignatureHeader}; a bearer token is not accepted here.", null);
        X509Certificate2 certificate;
        byte[] signature;
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(certificateHeader.ToString()));
            signature = Convert.FromBase64String(signatureHeader.ToString());
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            return ("The forwarder's certificate or signature is not base64 of a DER certificate / a signature.", null);
        }
        using (certificate)
        {
            var forwarder = certificate.Subject;
            if (!long.TryParse(timeHeader.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var time)
                || time > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
                return ($"{ForwardSignature.TimeHeader} is not a time in Unix milliseconds.", forwarder);
            var now = clock.GetUtcNow();
            var signedAt = DateTimeOffset.FromUnixTimeMilliseconds(time);
            if ((now - signedAt).Duration() > ForwardSignature.Window)
                return ($"The forward was signed at {signedAt:O}, more than {ForwardSignature.Window.TotalSeconds} s from this replica's clock.", forwarder);
            if (tls.ClientRefusal(certificate) is { } untrusted)
                return ($"The forwarder's certificate is not a member replica's: {untrusted}.", forwarder);

            request.EnableBuffering(bufferThreshold: 64 * 1024, bufferLimit: MaxBody);
            byte[] body;
            using (var copy = new MemoryStream())
            {
                try
                {
                    await request.Body.CopyToAsync(copy, ct);
                }
                catch (IOException)
                {
                    return ("The body is larger than the largest Raft command.", forwarder);
                }
                body = copy.ToArray();
            }
            request.Body.Position = 0;
            if (!ForwardSignature.Verify(certificate, ForwardSignature.SigningBytes(ledgerId, time, body), signature))
                return ("The signature does not verify with the forwarder's certificate over this body, ledger and time.", forwarder);
            Forget(now);
            if (!_seen.TryAdd(Convert.ToBase64String(signature), signedAt + ForwardSignature.Window))
                return ("This forward was already accepted once.", forwarder);
            return (null, forwarder);
        }
    }

    // At most once a second: the set holds about a window's worth of forwards.
    private void Forget(DateTimeOffset now)
    {
        var second = now.ToUnixTimeSeconds();
        if (Interlocked.Exchange(ref _lastSweep, second) == second)
            return;
        foreach (var (signature, until) in _seen)
        {
            if (until < now)
                _seen.TryRemove(signature, out _);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Forwarded command from {Address} (certificate {Forwarder}) refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string? address, string? forwarder, string reason);
}
