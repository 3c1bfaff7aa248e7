using System.Diagnostics;
using Platform.Contracts.Events;
using Platform.Crypto;
using Platform.Messaging.Outbox;
using Platform.RecordVault.Data;
using Platform.SignedEvents;

namespace Platform.RecordVault.Access;

/// <summary>
/// Every read, write, delete, denial and break-glass access becomes a signed access event (ids, the record
/// version's hash, the decision id — no record content), added to the access log and to the outbox in the caller's
/// unit of work, so the audit is saved with the change it describes or not at all. Events are v2
/// (<c>access.recorded.v2</c>): patient and actor are blinded and the record hash salted under a fresh secret of this
/// one event (<see cref="LedgerBlinding"/>), kept in the access log and shown to the patient, so no ledger reader can
/// tell whose records were touched, by whom, or link two accesses. A permitted read changes nothing but the audit, so
/// its audit is committed by <see cref="AccessAuditWriter"/> together with other reads' (group commit), and the read
/// answers only once that commit is durable.
/// </summary>
public sealed class AccessAudit(IKeyProvider keys, BreakGlassReasonProtector reasons, TimeProvider time)
{
    public const string KeyName = "record-vault-events";

    /// <summary>The source the vault's outbox messages carry (its Dapr app-id).</summary>
    public const string Source = "record-vault";

    /// <summary>Signs the access and adds its access-log row and outbox message to the caller's unit of work (saved with the change).</summary>
    public async Task AddAsync(RecordVaultDbContext db, AccessEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var signed = await SignAsync(entry, cancellationToken);
        signed.AddTo(db);
    }

    /// <summary>
    /// Signs the access event and builds its access-log row and integration event, without saving anything: reads hand
    /// the result to <see cref="AccessAuditWriter"/>, which commits many reads' audits in one transaction.
    /// </summary>
    public async Task<SignedAccess> SignAsync(AccessEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var now = time.GetUtcNow();
        var eventId = Guid.NewGuid();
        var salt = LedgerBlinding.NewSalt();
        var payload = new BlindedAccessEventPayload
        {
            EventId = eventId,
            Issuer = Source,
            IssuedAt = now.ToUnixTimeSeconds(),
            Subject = LedgerBlinding.Identifier(salt, LedgerBlinding.SubjectRole, entry.Patient),
            Actor = LedgerBlinding.Identifier(salt, LedgerBlinding.ActorRole, entry.Actor),
            RecordHash = LedgerBlinding.RecordHash(salt, entry.RecordHash),
            DecisionId = entry.DecisionId,
            Action = entry.Action,
            Outcome = entry.Outcome,
        };
        var key = await keys.GetSigningKeyAsync(KeyName, cancellationToken);
        var jws = await new SignedEventWriter(key).SignAsync(payload, cancellationToken);
        var row = new AccessLogRow
        {
            EventId = eventId,
            RecordId = entry.RecordId,
            Version = entry.Version,
            Patient = entry.Patient,
            Actor = entry.Actor,
            Action = entry.Action,
            Outcome = entry.Outcome,
            Purpose = entry.Purpose,
            DecisionId = entry.DecisionId,
            Reason = entry.Reason,
            ProtectedBreakGlassReason = reasons.Protect(entry.BreakGlassReason),
            RecordHash = entry.RecordHash,
            NetworkAddress = entry.NetworkAddress,
            ClientId = entry.ClientId,
            AtMs = now.ToUnixTimeMilliseconds(),
            SignedEvent = jws,
            LedgerSalt = salt,
        };
        // The trace is taken here, in the request: the group writer that saves it runs outside any request's trace.
        var integrationEvent = new RecordAccessedV1(entry.Patient, entry.Actor, entry.RecordHash, entry.DecisionId, entry.Outcome, jws)
        {
            TraceParent = Activity.Current?.Id,
        };
        return new SignedAccess(row, integrationEvent);
    }
}

/// <summary>
/// What one access was: who, to which record version, what they did and what the decision said; for a break-glass
/// access, the clinician's reason (kept encrypted in the access log, never in the signed event or on the ledger); the
/// caller's network address and OAuth client (access log only, for the AuditEvent's agents).
/// </summary>
public sealed record AccessEntry(
    Guid RecordId, int? Version, string Patient, string Actor, string Action, string Outcome,
    Guid DecisionId, string RecordHash, string? Purpose, string? Reason, string? BreakGlassReason = null,
    string? NetworkAddress = null, string? ClientId = null);

/// <summary>An access signed and ready to store: its access-log row and the integration event that carries it to the ledger.</summary>
public sealed record SignedAccess(AccessLogRow Row, RecordAccessedV1 Event)
{
    /// <summary>Adds both to <paramref name="db"/>'s unit of work, so they are saved together or not at all.</summary>
    public void AddTo(RecordVaultDbContext db)
    {
        db.AccessLog.Add(Row);
        db.AddIntegrationEvent(Event, AccessAudit.Source);
    }
}
