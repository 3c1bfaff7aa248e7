using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using OpenIddict.EntityFrameworkCore.Models;

namespace Platform.Identity.Oidc;

/// <summary>
/// OpenIddict's application manager with client secrets stored as HMAC-SHA256 under a server key
/// (<see cref="ClientSecretKey"/>) instead of PBKDF2 with 10 000 iterations. A slow hash protects secrets people
/// choose; client secrets here are machine-generated or at least 32 characters (<see cref="ClientRegistry"/>), where
/// a keyed hash is as safe against guessing and checking one costs about a microsecond instead of several
/// milliseconds of CPU on every token request. Hashes written by OpenIddict's PBKDF2 still verify, and a client
/// whose secret verifies against one is re-stored in the keyed form on that request.
/// It also lets a native client's loopback redirect URI match at any port (RFC 8252 §7.3, <see cref="LoopbackRedirectUris"/>).
/// </summary>
public sealed class KeyedClientSecretApplicationManager(
    IOpenIddictApplicationCache<OpenIddictEntityFrameworkCoreApplication> cache,
    ILogger<OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictApplicationStore<OpenIddictEntityFrameworkCoreApplication> store,
    ClientSecretKey key)
    : OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication>(cache, logger, options, store)
{
    /// <summary>Marks a keyed hash; base64 (OpenIddict's PBKDF2 format) never contains ':'.</summary>
    public const string Prefix = "hmac-sha256:" + ClientSecretKey.Version + ":";

    private readonly ILogger _logger = logger;

    public override async ValueTask<bool> ValidateClientSecretAsync(
        OpenIddictEntityFrameworkCoreApplication application, string secret, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(application);
        if (!await base.ValidateClientSecretAsync(application, secret, cancellationToken))
        {
            return false;
        }
        if (application.ClientSecret is { } stored && !stored.StartsWith(Prefix, StringComparison.Ordinal))
        {
            await UpgradeAsync(application, secret, cancellationToken);
        }
        return true;
    }

    public override async ValueTask<bool> ValidateRedirectUriAsync(
        OpenIddictEntityFrameworkCoreApplication application, string uri, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(application);
        if (await base.ValidateRedirectUriAsync(application, uri, cancellationToken))
        {
            return true;
        }
        if (!string.Equals(await GetApplicationTypeAsync(application, cancellationToken), OpenIddictConstants.ApplicationTypes.Native, StringComparison.Ordinal))
        {
            return false;
        }
        foreach (var registered in await GetRedirectUrisAsync(application, cancellationToken))
        {
            if (LoopbackRedirectUris.MatchesAnyPort(uri, registered))
            {
                return true;
            }
        }
        return false;
    }

    protected override ValueTask<string> ObfuscateClientSecretAsync(string secret, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        return ValueTask.FromResult(Prefix + Convert.ToBase64String(Hash(key, secret)));
    }

    protected override ValueTask<bool> ValidateClientSecretAsync(string secret, string comparand, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(comparand);
        if (!comparand.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return base.ValidateClientSecretAsync(secret, comparand, cancellationToken); // OpenIddict's PBKDF2 hash
        }
        return ValueTask.FromResult(KeyedHashOf(comparand) is { } stored && Matches(key, secret, stored));
    }

    /// <summary>The 32 bytes of a stored hash in the keyed form; null for any other form (or none).</summary>
    public static byte[]? KeyedHashOf(string? stored)
    {
        if (stored is null || !stored.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }
        var hash = new byte[32];
        return Convert.TryFromBase64String(stored[Prefix.Length..], hash, out var length) && length == hash.Length ? hash : null;
    }

    /// <summary>Whether a presented secret has the keyed hash, compared in constant time.</summary>
    public static bool Matches(ClientSecretKey key, string secret, byte[] keyedHash) =>
        CryptographicOperations.FixedTimeEquals(Hash(key, secret), keyedHash);

    private static byte[] Hash(ClientSecretKey key, string secret) => key.Mac(Encoding.UTF8.GetBytes(secret));

    /// <summary>Re-stores a verified secret in the keyed form; a concurrent request doing the same may win, which is fine.</summary>
    private async Task UpgradeAsync(OpenIddictEntityFrameworkCoreApplication application, string secret, CancellationToken cancellationToken)
    {
        try
        {
            await UpdateAsync(application, secret, cancellationToken);
            _logger.LogInformation("Client {ClientId}: secret hash upgraded from PBKDF2 to HMAC-SHA256.", application.ClientId);
        }
        catch (Exception ex) when (ex is OpenIddictExceptions.ConcurrencyException or DbUpdateException)
        {
            _logger.LogDebug("Client {ClientId}: secret hash upgrade lost to a concurrent change.", application.ClientId);
        }
    }
}
