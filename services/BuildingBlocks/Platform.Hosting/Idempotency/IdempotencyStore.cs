using Microsoft.EntityFrameworkCore;

namespace Platform.Hosting.Idempotency;

/// <summary>What a request's key says before the endpoint runs.</summary>
public abstract record ClaimOutcome
{
    /// <summary>A new key (or an expired or abandoned one): the request runs, and completes or releases this claim.</summary>
    public sealed record Claimed(Guid Token) : ClaimOutcome;

    /// <summary>The same request already completed: its answer is replayed.</summary>
    public sealed record Replay(IdempotencyRecord Record) : ClaimOutcome;

    /// <summary>The key was used for a different request (422).</summary>
    public sealed record Mismatch : ClaimOutcome;

    /// <summary>The same request is still being processed (409), for about this long at most.</summary>
    public sealed record InFlight(TimeSpan RetryAfter) : ClaimOutcome;
}

/// <summary>
/// The idempotency-key rows of one service database. A claim is committed on its own before the endpoint runs (so
/// a concurrent retry, on any replica, sees it); the completion is written in the endpoint's transaction, with its
/// effect. Every change to an existing row is conditional on the claim token, so two requests never both own a key.
/// </summary>
public static class IdempotencyStore
{
    private const int Attempts = 5;

    public static async Task<ClaimOutcome> ClaimAsync(
        DbContext db, string id, string fingerprint, IdempotencyOptions options, DateTime now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(options);
        var records = db.Set<IdempotencyRecord>();
        for (var attempt = 0; ; attempt++)
        {
            var existing = await records.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
            var token = Guid.NewGuid();
            if (existing is null)
            {
                records.Add(new IdempotencyRecord
                {
                    Id = id, Fingerprint = fingerprint, ClaimToken = token, LeaseUntilUtc = now + options.InFlightLease,
                    CreatedAtUtc = now, ExpiresAtUtc = now + options.Retention,
                });
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                    return new ClaimOutcome.Claimed(token);
                }
                catch (DbUpdateException) when (attempt < Attempts)
                {
                    // Another request inserted the same key first: read what it holds.
                    continue;
                }
                finally
                {
                    db.ChangeTracker.Clear();
                }
            }

            var expired = existing.ExpiresAtUtc <= now;
            if (!expired && existing.Fingerprint != fingerprint)
            {
                return new ClaimOutcome.Mismatch();
            }
            if (!expired && existing.Completed)
            {
                return new ClaimOutcome.Replay(existing);
            }
            if (!expired && existing.LeaseUntilUtc > now)
            {
                return new ClaimOutcome.InFlight(existing.LeaseUntilUtc - now);
            }
            // Expired, or a claim whose request never completed (its process died, or it ran past the lease): take it
            // over, unless someone else just did or it completed meanwhile.
            var previous = existing.ClaimToken;
            var wasCompleted = existing.Completed;
            var taken = await records
                .Where(r => r.Id == id && r.ClaimToken == previous && r.Completed == wasCompleted)
                .ExecuteUpdateAsync(set => set
                    .SetProperty(r => r.Fingerprint, fingerprint)
                    .SetProperty(r => r.ClaimToken, token)
                    .SetProperty(r => r.Completed, false)
                    .SetProperty(r => r.LeaseUntilUtc, now + options.InFlightLease)
                    .SetProperty(r => r.CreatedAtUtc, now)
                    .SetProperty(r => r.ExpiresAtUtc, now + options.Retention)
                    .SetProperty(r => r.StatusCode, (int?)null)
                    .SetProperty(r => r.Headers, (string?)null)
                    .SetProperty(r => r.Body, (byte[]?)null), cancellationToken);
            if (taken == 1)
            {
                return new ClaimOutcome.Claimed(token);
            }
            if (attempt >= Attempts)
            {
                return new ClaimOutcome.InFlight(options.InFlightLease);
            }
        }
    }

    /// <summary>Stores the answer under the claim, in the caller's (the endpoint's) transaction; false when the claim was lost.</summary>
    public static async Task<bool> CompleteAsync(
        DbContext db, string id, Guid token, int statusCode, string headers, byte[] body, DateTime now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var updated = await db.Set<IdempotencyRecord>()
            .Where(r => r.Id == id && r.ClaimToken == token && !r.Completed)
            .ExecuteUpdateAsync(set => set
                .SetProperty(r => r.Completed, true)
                .SetProperty(r => r.LeaseUntilUtc, now)
                .SetProperty(r => r.StatusCode, statusCode)
                .SetProperty(r => r.Headers, headers)
                .SetProperty(r => r.Body, body), cancellationToken);
        return updated == 1;
    }

    /// <summary>Forgets a claim whose request did not succeed, so the client may retry with the same key.</summary>
    public static Task<int> ReleaseAsync(DbContext db, string id, Guid token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Set<IdempotencyRecord>().Where(r => r.Id == id && r.ClaimToken == token && !r.Completed).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>Deletes the keys whose retention ended; returns how many.</summary>
    public static Task<int> DeleteExpiredAsync(DbContext db, DateTime now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Set<IdempotencyRecord>().Where(r => r.ExpiresAtUtc <= now).ExecuteDeleteAsync(cancellationToken);
    }
}
