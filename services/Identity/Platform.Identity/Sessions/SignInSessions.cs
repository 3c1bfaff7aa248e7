using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Platform.Identity.Data;
using Platform.Identity.Logout;

namespace Platform.Identity.Sessions;

/// <summary>
/// The server-side state behind the identity cookie (<see cref="SignInSession"/>): started when a cookie is issued,
/// checked on every request that carries one (<see cref="SessionCookieEvents"/>), ended by logout, by a replacing
/// sign-in or by an administrator.
/// </summary>
public sealed class SignInSessions(IdentityServiceDbContext db, SessionAuthorizations authorizations, BackchannelLogoutNotifier logoutNotifier, TimeProvider time)
{
    /// <summary>Where the cookie's authentication properties (encrypted with the cookie) keep the session id.</summary>
    public const string PropertyKey = ".platform.session";

    /// <summary>Ended and expired sessions are kept this long after they expire (who was signed in when), then pruned.</summary>
    public static readonly TimeSpan KeepAfterExpiry = TimeSpan.FromDays(14);

    /// <summary>The session id a cookie's properties carry, if any.</summary>
    public static string? IdOf(AuthenticationProperties? properties) =>
        properties is not null && properties.Items.TryGetValue(PropertyKey, out var id) && !string.IsNullOrEmpty(id) ? id : null;

    public async Task<string> StartAsync(string userId, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var session = new SignInSession
        {
            Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            UserId = userId,
            CreatedAt = Now(),
            ExpiresAt = expiresAt.UtcDateTime,
        };
        db.SignInSessions.Add(session);
        await db.SaveChangesAsync(cancellationToken);
        return session.Id;
    }

    /// <summary>Whether the session exists, belongs to <paramref name="userId"/>, has not ended and has not expired.</summary>
    public async Task<bool> IsLiveAsync(string sessionId, string userId, CancellationToken cancellationToken)
    {
        var session = await db.SignInSessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sessionId, cancellationToken);
        return session is not null && session.UserId == userId && session.IsLiveAt(Now());
    }

    /// <summary>
    /// Ends one session (no-op when it already ended). With <paramref name="revokeTokens"/> the authorizations its
    /// flows created are revoked too, refresh tokens included: logout ends what the session obtained.
    /// </summary>
    public async Task EndAsync(string sessionId, string reason, bool revokeTokens, CancellationToken cancellationToken)
    {
        var session = await db.SignInSessions.FirstOrDefaultAsync(s => s.Id == sessionId, cancellationToken);
        if (session is null)
        {
            return;
        }
        var endedNow = session.EndedAt is null;
        if (endedNow)
        {
            session.EndedAt = Now();
            session.EndReason = reason;
            await db.SaveChangesAsync(cancellationToken);
        }
        if (revokeTokens && endedNow)
        {
            // A logout reaches the clients this session signed in to (Back-Channel Logout); a replaced session's do not.
            await logoutNotifier.SessionEndedAsync(session.UserId, session.Id, cancellationToken);
        }
        if (revokeTokens)
        {
            await authorizations.RevokeForSessionAsync(session.UserId, session.Id, cancellationToken);
        }
    }

    /// <summary>Ends every live session of the user and revokes every authorization and token they hold.</summary>
    public async Task<SessionsRevoked> RevokeAllAsync(string userId, string adminId, CancellationToken cancellationToken)
    {
        var now = Now();
        var open = await db.SignInSessions.Where(s => s.UserId == userId && s.EndedAt == null).ToListAsync(cancellationToken);
        var ended = 0;
        foreach (var session in open)
        {
            if (session.ExpiresAt > now)
            {
                ended++;
            }
            session.EndedAt = now;
            session.EndReason = SessionEndReasons.AdminRevoked;
            session.EndedBy = adminId;
        }
        await db.SaveChangesAsync(cancellationToken);
        // Before the revocation: the clients to tell are those still holding a valid authorization.
        await logoutNotifier.SubjectRevokedAsync(userId, cancellationToken);
        var revoked = await authorizations.RevokeAllAsync(userId, cancellationToken);
        return new SessionsRevoked(userId, ended, revoked);
    }

    /// <summary>Deletes sessions that expired more than <see cref="KeepAfterExpiry"/> ago; returns how many.</summary>
    public Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var threshold = Now() - KeepAfterExpiry;
        return db.SignInSessions.Where(s => s.ExpiresAt < threshold).ExecuteDeleteAsync(cancellationToken);
    }

    private DateTime Now() => time.GetUtcNow().UtcDateTime;
}
