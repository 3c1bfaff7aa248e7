using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;

namespace Platform.Identity.Oidc;

/// <summary>
/// The browser origins each client may call the OAuth endpoints from, derived from its registered redirect URIs and
/// configured nowhere else: a redirect URI <c>https://app.example/callback</c> admits the origin <c>https://app.example</c>
/// (native clients' loopback redirects admit none).
/// Read from the application store and kept for <see cref="CacheFor"/>, so a client registered or changed through the
/// admin API is honoured within that time on every replica.
/// </summary>
public sealed class ClientOrigins(IServiceScopeFactory scopes, TimeProvider time)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile Snapshot? _snapshot;

    /// <summary>The origin of a URI as a browser sends it in <c>Origin</c>: scheme, host, and the port when not the default.</summary>
    public static string OriginOf(Uri uri) => uri.GetLeftPart(UriPartial.Authority).ToLowerInvariant();

    /// <summary>Normalises an <c>Origin</c> header; null when it is not a serialised http(s) origin (e.g. <c>null</c>).</summary>
    public static string? Normalise(string? origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            && uri.AbsolutePath == "/" && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.UserInfo)
            ? OriginOf(uri)
            : null;

    /// <summary>True when some client registered a redirect URI on this origin (what a preflight, which names no client, can check).</summary>
    public async Task<bool> IsRegisteredAsync(string origin, CancellationToken cancellationToken) =>
        (await SnapshotAsync(cancellationToken).ConfigureAwait(false)).ByOrigin.ContainsKey(origin);

    /// <summary>True when <paramref name="clientId"/> registered a redirect URI on this origin.</summary>
    public async Task<bool> BelongsToAsync(string origin, string clientId, CancellationToken cancellationToken) =>
        (await SnapshotAsync(cancellationToken).ConfigureAwait(false)).ByOrigin.TryGetValue(origin, out var clients) && clients.Contains(clientId);

    private async Task<Snapshot> SnapshotAsync(CancellationToken cancellationToken)
    {
        if (_snapshot is { } current && time.GetUtcNow() < current.Expires)
        {
            return current;
        }
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_snapshot is { } meanwhile && time.GetUtcNow() < meanwhile.Expires)
            {
                return meanwhile;
            }
            var byOrigin = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
            using var scope = scopes.CreateScope();
            var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
            await foreach (var application in applications.ListAsync(count: null, offset: null, cancellationToken).ConfigureAwait(false))
            {
                var clientId = await applications.GetClientIdAsync(application, cancellationToken).ConfigureAwait(false);
                // A native app's loopback redirect is its own listener, not a web page that calls these endpoints.
                if (await applications.GetApplicationTypeAsync(application, cancellationToken).ConfigureAwait(false) == OpenIddictConstants.ApplicationTypes.Native)
                {
                    continue;
                }
                foreach (var redirect in await applications.GetRedirectUrisAsync(application, cancellationToken).ConfigureAwait(false))
                {
                    if (clientId is not null && Uri.TryCreate(redirect, UriKind.Absolute, out var uri))
                    {
                        var origin = OriginOf(uri);
                        if (!byOrigin.TryGetValue(origin, out var clients))
                        {
                            byOrigin[origin] = clients = new HashSet<string>(StringComparer.Ordinal);
                        }
                        clients.Add(clientId);
                    }
                }
            }
            var fresh = new Snapshot(byOrigin, time.GetUtcNow() + CacheFor);
            _snapshot = fresh;
            return fresh;
        }
        finally
        {
            _gate.Release();
        }
    }

    private sealed record Snapshot(Dictionary<string, HashSet<string>> ByOrigin, DateTimeOffset Expires);
}
