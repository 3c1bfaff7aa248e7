using System.Text;
using Microsoft.EntityFrameworkCore;
using Platform.Consent.Core;
using Platform.Consent.Data;
using Platform.Contracts;
using Platform.Contracts.Events;
using Platform.Messaging;
using Platform.Messaging.Outbox;
using Platform.ServiceDefaults;
using Platform.SignedEvents;

namespace Platform.Consent.Consents;

/// <summary>
/// Every change to a consent goes through here: the domain decides, the change is signed, and the new state,
/// its history row and the outgoing events (the signed event for the ledger, and consent.granted/revoked/expired)
/// are saved in one transaction. A rejected change writes nothing.
/// </summary>
public sealed class ConsentCommands(ConsentDbContext db, ConsentEventSigner signer, TimeProvider time)
{
    private const string Source = "consent";

    public async Task<PatientConsent> GrantAsync(
        string subject, Grantee grantee, IEnumerable<string> categories, IEnumerable<string> purposes,
        DateTimeOffset? validFrom, DateTimeOffset? validUntil, ChangeAuthor author, CancellationToken cancellationToken,
        IEnumerable<string>? actions = null)
    {
        var now = time.GetUtcNow();
        var result = PatientConsent.Grant(Guid.NewGuid(), subject, grantee, categories, purposes, validFrom ?? now, validUntil, now, actions);
        var change = result.IsSuccess ? result.Value! : throw ConsentProblems.From(result.Error!);
        var row = ConsentRow.From(change.Consent, change.Hash);
        row.LedgerSalt = LedgerBlinding.NewSalt();
        db.Consents.Add(row);
        await RecordAsync(change, row.LedgerSalt, author, now, cancellationToken);
        return change.Consent;
    }

    /// <summary>
    /// Records a grant the domain has already made (an approved on-behalf proposal, <see cref="OnBehalfCommands"/>).
    /// Whatever the caller added to the same context (the proposal's new state, the patient's notice) is saved in the
    /// same transaction as the consent, its history and its events.
    /// </summary>
    public async Task<PatientConsent> GrantAsync(ConsentChange grant, ChangeAuthor author, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grant);
        var row = ConsentRow.From(grant.Consent, grant.Hash);
        row.LedgerSalt = LedgerBlinding.NewSalt();
        db.Consents.Add(row);
        await RecordAsync(grant, row.LedgerSalt, author, time.GetUtcNow(), cancellationToken);
        return grant.Consent;
    }

    public Task<PatientConsent> NarrowAsync(
        Guid id, IEnumerable<string>? categories, IEnumerable<string>? purposes, DateTimeOffset? validFrom, DateTimeOffset? validUntil,
        int? expectedVersion, ChangeAuthor author, Func<PatientConsent, bool> mayChange, CancellationToken cancellationToken,
        IEnumerable<string>? actions = null) =>
        ChangeAsync(id, expectedVersion, author, mayChange, (consent, now) => consent.Narrow(categories, purposes, validFrom, validUntil, now, actions), cancellationToken);

    public Task<PatientConsent> RevokeAsync(
        Guid id, int? expectedVersion, ChangeAuthor author, Func<PatientConsent, bool> mayChange, CancellationToken cancellationToken) =>
        ChangeAsync(id, expectedVersion, author, mayChange, (consent, now) => consent.Revoke(now), cancellationToken);

    public Task<PatientConsent> ExpireAsync(Guid id, CancellationToken cancellationToken) =>
        ChangeAsync(id, null, ChangeAuthor.Service, _ => true, (consent, now) => consent.Expire(now), cancellationToken);

    public Task<PatientConsent> SuspendAsync(Guid id, string reason, CancellationToken cancellationToken) =>
        ChangeAsync(id, null, ChangeAuthor.Service with { Reason = reason }, _ => true, (consent, now) => consent.Suspend(now), cancellationToken);

    private async Task<PatientConsent> ChangeAsync(
        Guid id, int? expectedVersion, ChangeAuthor author, Func<PatientConsent, bool> mayChange,
        Func<PatientConsent, DateTimeOffset, ConsentResult<ConsentChange>> change, CancellationToken cancellationToken)
    {
        var row = await db.Consents.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        // A consent the caller may not change is reported exactly like a missing one: no probing of other patients' ids.
        if (row is null || !mayChange(row.ToConsent()))
        {
            throw ProblemException.NotFound($"No consent {id}.");
        }
        var current = row.ToConsent();
        if (expectedVersion is { } expected && expected != current.Version)
        {
            throw ProblemException.Conflict($"The consent is at version {current.Version}, not {expected}; reload it and try again.", "version_mismatch");
        }
        var now = time.GetUtcNow();
        var result = change(current, now);
        var next = result.IsSuccess ? result.Value! : throw ConsentProblems.From(result.Error!);
        row.CopyFrom(next.Consent, next.Hash);
        // Consents from before v2 events get their secret with their first v2 event; their v1 entries stay as they are.
        row.LedgerSalt ??= LedgerBlinding.NewSalt();
        await RecordAsync(next, row.LedgerSalt, author, now, cancellationToken);
        return next.Consent;
    }

    private async Task RecordAsync(ConsentChange change, byte[] salt, ChangeAuthor author, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var consent = change.Consent;
        var (eventId, jws, _) = await signer.SignAsync(change, salt, now, cancellationToken);
        db.ConsentVersions.Add(new ConsentVersionRow
        {
            ConsentId = consent.Id,
            Version = consent.Version,
            Action = change.Action.ToCode(),
            Hash = change.Hash,
            Snapshot = Encoding.UTF8.GetString(ConsentHash.CanonicalForm(consent)),
            ChangedAtMs = now.ToUnixTimeMilliseconds(),
            ChangedBy = author.SubjectId,
            Reason = author.Reason,
            EventId = eventId,
            SignedEvent = jws,
            LedgerSalt = salt,
        });
        db.AddIntegrationEvent(new ConsentChangedV1(consent.Id, consent.SubjectPseudonym, consent.Version, change.Hash, jws), Source);
        IntegrationEvent? lifecycle = change.Action switch
        {
            ConsentAction.Grant => new ConsentGrantedV1(consent.Id, consent.SubjectPseudonym, consent.Grantee.Id, consent.Version,
                [.. consent.Categories], [.. consent.Purposes], consent.ValidFrom, consent.ValidUntil),
            ConsentAction.Revoke => new ConsentRevokedV1(consent.Id, consent.SubjectPseudonym, consent.Grantee.Id, consent.Version, "revoked"),
            ConsentAction.Suspend => new ConsentRevokedV1(consent.Id, consent.SubjectPseudonym, consent.Grantee.Id, consent.Version, author.Reason ?? "suspended"),
            ConsentAction.Expire => new ConsentExpiredV1(consent.Id, consent.SubjectPseudonym, consent.Grantee.Id, consent.Version),
            _ => null,
        };
        if (lifecycle is not null)
        {
            db.AddIntegrationEvent(lifecycle, Source);
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw ProblemException.Conflict("The consent was changed at the same time; reload it and try again.", "concurrent_change");
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }
}

/// <summary>Who made a change: the patient themself, an admin with a stated reason, or the service (expiry, suspension).</summary>
public sealed record ChangeAuthor(string SubjectId, string? Reason = null)
{
    public static readonly ChangeAuthor Service = new("consent-service");
}
