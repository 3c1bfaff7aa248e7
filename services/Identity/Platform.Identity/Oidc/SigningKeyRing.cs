using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using OpenIddict.Validation;
using Platform.Crypto;
using Platform.Identity.Data;

namespace Platform.Identity.Oidc;

/// <summary>
/// The token-signing keys this provider publishes: the active generation first (it signs), then a staged generation
/// (published ahead of signing, <see cref="SigningKeySchedule"/>) and retired generations still inside their
/// publication window (they only verify). OpenIddict reads them through its
/// options; after a change the cached options are dropped so the next request rebuilds them with the new ring.
/// </summary>
public sealed class SigningKeyRing(
    IServiceScopeFactory scopes,
    IKeyProvider keyProvider,
    TimeProvider time,
    IOptions<OidcOptions> oidcOptions,
    IOptions<SigningKeyOptions> keyOptions,
    IOptionsMonitorCache<OpenIddictServerOptions> serverOptionsCache,
    IOptionsMonitorCache<OpenIddictValidationOptions> validationOptionsCache) : IDisposable
{
    private ITimer? _activationTimer;

    private readonly ConcurrentDictionary<int, SigningCredentials> _credentialsByGeneration = new();
    private readonly ConcurrentDictionary<int, SigningCredentials> _rsaCredentialsByGeneration = new();
    private volatile SigningCredentials? _activeRsa;
    private readonly SemaphoreSlim _refreshGate = new(1, 1);
    private volatile IReadOnlyList<SigningCredentials>? _published;
    private string _publishedFingerprint = "";

    /// <summary>
    /// The RS256 credentials of the active generation: the ID tokens of clients that asked for RS256 are signed with
    /// them (<see cref="IdentityTokenAlgorithmSelection"/>); everything else is signed with the active ES256 key.
    /// </summary>
    public SigningCredentials ActiveRsa
    {
        get
        {
            if (_activeRsa is null)
            {
                RefreshAsync(CancellationToken.None).GetAwaiter().GetResult();
            }
            return _activeRsa!;
        }
    }

    /// <summary>
    /// Published credentials: the ES256 keys (active first; OpenIddict signs access tokens with the first one) then the
    /// RS256 keys of the same generations (published ahead and retired with them); loads the ring on first use.
    /// </summary>
    public IReadOnlyList<SigningCredentials> Published =>
        _published ?? RefreshAsync(CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>The key OpenIddict encrypts its own JWE tokens with (unwrapped in memory only).</summary>
    public EncryptingCredentials Encryption
    {
        get
        {
            if (_encryption is null)
            {
                RefreshAsync(CancellationToken.None).GetAwaiter().GetResult();
            }
            return _encryption!;
        }
    }

    private volatile EncryptingCredentials? _encryption;

    /// <summary>The generation that signs new tokens.</summary>
    public int ActiveGeneration { get; private set; }

    /// <summary>When the next staged generation starts signing, if one is staged (the maintenance loop wakes up then).</summary>
    public DateTimeOffset? NextActivation { get; private set; }

    /// <summary>Re-reads the generations (creating the first one if none exists) and republishes when they changed.</summary>
    public async Task<IReadOnlyList<SigningCredentials>> RefreshAsync(CancellationToken cancellationToken)
    {
        await _refreshGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _encryption ??= await LoadEncryptionKeyAsync(cancellationToken).ConfigureAwait(false);
            var generations = await LoadGenerationsAsync(cancellationToken).ConfigureAwait(false);
            if (generations.Count == 0)
            {
                await TryCreateGenerationAsync(1, cancellationToken).ConfigureAwait(false);
                generations = await LoadGenerationsAsync(cancellationToken).ConfigureAwait(false);
            }
            var schedule = SigningKeySchedule.At(generations, time.GetUtcNow(), oidcOptions.Value.RetiredKeyPublication);
            NextActivation = schedule.NextActivation;
            ScheduleActivation(schedule.NextActivation);
            // The active generation leads: the same set of keys with another one signing is a change too.
            var fingerprint = string.Join(',', schedule.Published.Select(g => g.Number));
            if (_published is not null && fingerprint == _publishedFingerprint)
            {
                return _published;
            }
            var credentials = new List<SigningCredentials>(schedule.Published.Count * 2);
            foreach (var generation in schedule.Published)
            {
                credentials.Add(await CredentialsForAsync(generation.Number, cancellationToken).ConfigureAwait(false));
            }
            // After every ES256 key: OpenIddict keeps this order (its sort only moves symmetric and X.509 keys), and the
            // first key signs access tokens, which the resource services accept as ES256 only.
            foreach (var generation in schedule.Published)
            {
                credentials.Add(await RsaCredentialsForAsync(generation.Number, cancellationToken).ConfigureAwait(false));
            }
            _activeRsa = await RsaCredentialsForAsync(schedule.Active.Number, cancellationToken).ConfigureAwait(false);
            ActiveGeneration = schedule.Active.Number;
            _publishedFingerprint = fingerprint;
            _published = credentials;
            // OpenIddict caches its options; drop them so the next request sees this ring.
            serverOptionsCache.TryRemove(Options.DefaultName);
            validationOptionsCache.TryRemove(Options.DefaultName);
            return credentials;
        }
        finally
        {
            _refreshGate.Release();
        }
    }

    /// <summary>
    /// Creates the next generation and publishes it. Normally it is staged: published in the JWKS at once, signing
    /// only after <see cref="SigningKeyOptions.PublishAhead"/>, while the current generation signs until then; a
    /// rotation asked for while one is staged returns that one. <paramref name="immediate"/> (a compromised key)
    /// makes it sign at once and retires every other generation now, staged ones included.
    /// </summary>
    public async Task<SigningKeyRotation> RotateAsync(bool immediate, CancellationToken cancellationToken)
    {
        var generations = await LoadGenerationsAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        if (!immediate && generations.Where(g => g.SignsFrom > now && (g.RetiredAt is null || g.RetiredAt > now)).MaxBy(g => g.Number) is { } pending)
        {
            return new SigningKeyRotation(pending.Number, pending.SignsFrom, Staged: true);
        }
        var next = generations.Count == 0 ? 1 : generations.Max(g => g.Number) + 1;
        var activatesAt = immediate ? now : now + keyOptions.Value.PublishAhead;
        // Create the keys first: a generation row must never point at a key the provider does not have.
        await keyProvider.GetSigningKeyAsync(SigningKeyGeneration.KeyNameFor(next), cancellationToken).ConfigureAwait(false);
        await keyProvider.GetRsaSigningKeyAsync(SigningKeyGeneration.RsaKeyNameFor(next), cancellationToken).ConfigureAwait(false);
        using (var scope = scopes.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<IdentityServiceDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            foreach (var current in await db.SigningKeyGenerations.ToListAsync(cancellationToken).ConfigureAwait(false))
            {
                if (current.RetiredAt is null || current.RetiredAt > activatesAt)
                {
                    current.RetiredAt = activatesAt;
                }
            }
            db.SigningKeyGenerations.Add(new SigningKeyGeneration { Number = next, CreatedAt = now, ActivatesAt = activatesAt });
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        await RefreshAsync(cancellationToken).ConfigureAwait(false);
        return new SigningKeyRotation(next, activatesAt, Staged: !immediate);
    }

    /// <summary>Re-reads the ring when the staged generation is due, so it starts signing on time on every replica that knows it.</summary>
    private void ScheduleActivation(DateTimeOffset? activation)
    {
        _activationTimer?.Dispose();
        _activationTimer = null;
        if (activation is not { } at)
        {
            return;
        }
        var due = at - time.GetUtcNow();
        // A little after the moment itself: the schedule compares with "now", which must have passed it.
        due = (due < TimeSpan.Zero ? TimeSpan.Zero : due) + TimeSpan.FromMilliseconds(20);
        _activationTimer = time.CreateTimer(_ => _ = ActivateAsync(), null, due, Timeout.InfiniteTimeSpan);
    }

    private async Task ActivateAsync()
    {
        try
        {
            await RefreshAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The database or key provider is unavailable: the maintenance loop retries (and logs) within RefreshEvery.
        }
    }

    public void Dispose() => _activationTimer?.Dispose();

    /// <summary>When the generation that signs now (or the staged one, if any) started or starts signing: drives scheduled rotation.</summary>
    public async Task<DateTimeOffset?> NewestSigningSinceAsync(CancellationToken cancellationToken)
    {
        var generations = await LoadGenerationsAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        return generations.Where(g => g.RetiredAt is null || g.RetiredAt > now).MaxBy(g => g.Number)?.SignsFrom;
    }

    private async Task<EncryptingCredentials> LoadEncryptionKeyAsync(CancellationToken cancellationToken)
    {
        var kek = await keyProvider.GetKeyEncryptionKeyAsync(TokenEncryptionKey.KeyEncryptionKeyName, cancellationToken).ConfigureAwait(false);
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityServiceDbContext>();
        var stored = await db.TokenEncryptionKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Id == 1, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            var fresh = RandomNumberGenerator.GetBytes(32);
            var wrapped = await kek.WrapAsync(fresh, cancellationToken).ConfigureAwait(false);
            CryptographicOperations.ZeroMemory(fresh);
            db.TokenEncryptionKeys.Add(new TokenEncryptionKey
            {
                Id = 1, KekName = wrapped.KeyName, KekVersion = wrapped.KeyVersion, Algorithm = wrapped.Algorithm,
                WrappedKey = wrapped.Ciphertext, CreatedAt = time.GetUtcNow(),
            });
            try
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DbUpdateException)
            {
                // Another replica stored one first: everyone must use the same key, so use theirs.
            }
            db.ChangeTracker.Clear();
            stored = await db.TokenEncryptionKeys.AsNoTracking().FirstAsync(k => k.Id == 1, cancellationToken).ConfigureAwait(false);
        }
        var key = await kek.UnwrapAsync(new WrappedKey(stored.KekName, stored.KekVersion, stored.Algorithm, stored.WrappedKey), cancellationToken).ConfigureAwait(false);
        return new EncryptingCredentials(new SymmetricSecurityKey(key) { KeyId = "oidc-token-encryption-1" },
            SecurityAlgorithms.Aes256KW, SecurityAlgorithms.Aes256CbcHmacSha512);
    }

    private async Task<List<SigningKeyGeneration>> LoadGenerationsAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityServiceDbContext>();
        return await db.SigningKeyGenerations.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task TryCreateGenerationAsync(int number, CancellationToken cancellationToken)
    {
        await keyProvider.GetSigningKeyAsync(SigningKeyGeneration.KeyNameFor(number), cancellationToken).ConfigureAwait(false);
        await keyProvider.GetRsaSigningKeyAsync(SigningKeyGeneration.RsaKeyNameFor(number), cancellationToken).ConfigureAwait(false);
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityServiceDbContext>();
        db.SigningKeyGenerations.Add(new SigningKeyGeneration { Number = number, CreatedAt = time.GetUtcNow() });
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException)
        {
            // Another replica created it first; its row is as good as ours.
        }
    }

    private async Task<SigningCredentials> CredentialsForAsync(int generation, CancellationToken cancellationToken)
    {
        if (_credentialsByGeneration.TryGetValue(generation, out var cached))
        {
            return cached;
        }
        var key = await keyProvider.GetSigningKeyAsync(SigningKeyGeneration.KeyNameFor(generation), cancellationToken).ConfigureAwait(false);
        var securityKey = new ECDsaSecurityKey(new ProviderBackedECDsa(key)) { KeyId = key.KeyId };
        return _credentialsByGeneration.GetOrAdd(generation, new SigningCredentials(securityKey, SecurityAlgorithms.EcdsaSha256));
    }

    /// <summary>
    /// The generation's RS256 credentials. Generations made before RS256 existed get their RSA key here, on first use
    /// (created by the provider); it is published from then on, like the ES256 key it accompanies.
    /// </summary>
    private async Task<SigningCredentials> RsaCredentialsForAsync(int generation, CancellationToken cancellationToken)
    {
        if (_rsaCredentialsByGeneration.TryGetValue(generation, out var cached))
        {
            return cached;
        }
        var key = await keyProvider.GetRsaSigningKeyAsync(SigningKeyGeneration.RsaKeyNameFor(generation), cancellationToken).ConfigureAwait(false);
        var securityKey = new RsaSecurityKey(new ProviderBackedRsa(key)) { KeyId = key.KeyId };
        return _rsaCredentialsByGeneration.GetOrAdd(generation, new SigningCredentials(securityKey, SecurityAlgorithms.RsaSha256));
    }
}
