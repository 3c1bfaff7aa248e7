using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Platform.Hosting.Idempotency;

namespace Platform.Testing;

/// <summary>
/// Idempotency-Key helpers for service tests: the header value, and the claim another replica (or a process that
/// died mid-request) leaves in a service's database for a request, so a test can see how a retry is answered.
/// </summary>
public static class IdempotencyClaims
{
    public static void AddKey(HttpRequestMessage request, string key)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Headers.TryAddWithoutValidation(IdempotencyKey.HeaderName, $"\"{key}\"");
    }

    /// <summary>Claims <paramref name="key"/> for <paramref name="request"/> as sent by the caller whose token has <c>sub</c> = <paramref name="subject"/>.</summary>
    public static async Task ClaimInFlightAsync(DbContext db, string subject, string key, HttpRequestMessage request, TimeSpan lease)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(request);
        var id = IdempotencyScope.RecordId("sub:" + subject, key);
        var http = new DefaultHttpContext();
        http.Request.Method = request.Method.Method;
        var uri = request.RequestUri!;
        var target = uri.IsAbsoluteUri ? uri.PathAndQuery : uri.OriginalString;
        var query = target.IndexOf('?', StringComparison.Ordinal);
        http.Request.Path = query < 0 ? target : target[..query];
        http.Request.QueryString = query < 0 ? QueryString.Empty : new QueryString(target[query..]);
        http.Request.ContentType = request.Content?.Headers.ContentType?.ToString();
        http.Request.Body = new MemoryStream(request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync());
        var fingerprint = await RequestFingerprint.ComputeAsync(http.Request, id, CancellationToken.None);
        var outcome = await IdempotencyStore.ClaimAsync(db, id, fingerprint, new IdempotencyOptions { InFlightLease = lease }, DateTime.UtcNow, CancellationToken.None);
        if (outcome is not ClaimOutcome.Claimed)
        {
            throw new InvalidOperationException($"The key was not free to claim: {outcome}.");
        }
    }
}
