using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using OpenIddict.EntityFrameworkCore.Models;
using Platform.Contracts.Events;
using Platform.Identity.Data;
using Platform.Messaging.Outbox;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Platform.Identity.Oidc;

/// <summary>
/// OpenIddict's token manager, which every revocation goes through — the revocation endpoint, refresh-token and code
/// reuse, logout and admin revocation alike — announcing each access token it revokes before its expiry as
/// <c>identity.token-revoked</c>, through the outbox in the same transaction as the revocation. Access tokens are
/// self-contained JWTs: without this the resource services would honour a revoked one until it expires.
/// </summary>
public sealed class RevocationAnnouncingTokenManager(
    IOpenIddictTokenCache<OpenIddictEntityFrameworkCoreToken> cache,
    ILogger<OpenIddictTokenManager<OpenIddictEntityFrameworkCoreToken>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictTokenStore<OpenIddictEntityFrameworkCoreToken> store,
    IdentityServiceDbContext db,
    TimeProvider time)
    : OpenIddictTokenManager<OpenIddictEntityFrameworkCoreToken>(cache, logger, options, store)
{
    public const string Source = "identity";

    public override async ValueTask<bool> TryRevokeAsync(OpenIddictEntityFrameworkCoreToken token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        // Queued before the store's own SaveChanges, so the token's new status and its announcement commit together.
        var queued = await AnnounceAsync(ToAsync([token]), cancellationToken);
        if (await base.TryRevokeAsync(token, cancellationToken))
        {
            return true;
        }
        // A concurrent change won (the token was redeemed or revoked meanwhile): announce nothing for this attempt.
        foreach (var message in queued)
        {
            db.Entry(message).State = EntityState.Detached;
        }
        return false;
    }

    public override ValueTask<long> RevokeByAuthorizationIdAsync(string identifier, CancellationToken cancellationToken = default) =>
        RevokeManyAsync(FindByAuthorizationIdAsync(identifier, cancellationToken), () => base.RevokeByAuthorizationIdAsync(identifier, cancellationToken), cancellationToken);

    public override ValueTask<long> RevokeBySubjectAsync(string subject, CancellationToken cancellationToken = default) =>
        RevokeManyAsync(FindBySubjectAsync(subject, cancellationToken), () => base.RevokeBySubjectAsync(subject, cancellationToken), cancellationToken);

    public override ValueTask<long> RevokeByApplicationIdAsync(string identifier, CancellationToken cancellationToken = default) =>
        RevokeManyAsync(FindByApplicationIdAsync(identifier, cancellationToken), () => base.RevokeByApplicationIdAsync(identifier, cancellationToken), cancellationToken);

    public override ValueTask<long> RevokeAsync(string? subject, string? client, string? status, string? type, CancellationToken cancellationToken = default) =>
        RevokeManyAsync(FindAsync(subject, client, status, type, cancellationToken), () => base.RevokeAsync(subject, client, status, type, cancellationToken), cancellationToken);

    // The bulk revocations update rows in SQL, outside the change tracker: one transaction holds them and the outbox rows.
    private async ValueTask<long> RevokeManyAsync(IAsyncEnumerable<OpenIddictEntityFrameworkCoreToken> affected, Func<ValueTask<long>> revoke, CancellationToken cancellationToken)
    {
        var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        await using (own)
        {
            var queued = await AnnounceAsync(affected, cancellationToken);
            var count = await revoke();
            if (queued.Count > 0)
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            if (own is not null)
            {
                await own.CommitAsync(cancellationToken);
            }
            return count;
        }
    }

    /// <summary>Queues an event for every access token among <paramref name="tokens"/> that is still valid and unexpired.</summary>
    private async Task<List<OutboxMessage>> AnnounceAsync(IAsyncEnumerable<OpenIddictEntityFrameworkCoreToken> tokens, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var queued = new List<OutboxMessage>();
        await foreach (var token in tokens.WithCancellation(cancellationToken))
        {
            if (token.Id is null || !IsAccessToken(token.Type) || token.Status != Statuses.Valid
                || token.ExpirationDate is not { } expires || new DateTimeOffset(DateTime.SpecifyKind(expires, DateTimeKind.Utc)) <= now)
            {
                continue;
            }
            var authorization = await GetAuthorizationIdAsync(token, cancellationToken);
            queued.Add(db.AddIntegrationEvent(
                new AccessTokenRevokedV1(token.Id, authorization, new DateTimeOffset(DateTime.SpecifyKind(expires, DateTimeKind.Utc))), Source));
        }
        return queued;
    }

    // OpenIddict has stored either form over its versions; both name an access token.
    private static bool IsAccessToken(string? type) => type is TokenTypeHints.AccessToken or TokenTypeIdentifiers.AccessToken;

    private static async IAsyncEnumerable<OpenIddictEntityFrameworkCoreToken> ToAsync(IEnumerable<OpenIddictEntityFrameworkCoreToken> tokens)
    {
        foreach (var token in tokens)
        {
            yield return token;
        }
        await Task.CompletedTask;
    }
}
