using Platform.Contracts.Events;
using Platform.Crypto;
using Platform.Messaging.Outbox;
using Platform.RecordVault.Data;
using Platform.SignedEvents;

namespace Platform.RecordVault.Access;

/// <summary>
/// Every read, write, delete, denial and break-glass access becomes a signed access event (pseudonymous ids,
/// the record version's hash, the decision id — no record content), added to the access log and to the outbox
/// in the caller's unit of work, so the audit is saved with the change it describes or not at all.
/// </summary>
public sealed class AccessAudit(IKeyProvider keys, TimeProvider time)
{
    public const string KeyName = "record-vault-events";

    public async Task AddAsync(RecordVaultDbContext db, AccessEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(entry);
        var now = time.GetUtcNow();
        var eventId = Guid.NewGuid();
        var payload = new AccessEventPayload
        {
            EventId = eventId,
            Issuer = "record-vault",
            IssuedAt = now.ToUnixTimeSeconds(),
            Subject = entry.Patient,
            Actor = entry.Actor,
            RecordHash = entry.RecordHash,
            DecisionId = entry.DecisionId,
            Action = entry.Action,
            Outcome = entry.Outcome,
        };
        var key = await keys.GetSigningKeyAsync(KeyName, cancellationToken);
        var jws = await new SignedEventWriter(key).SignAsync(payload, cancellationToken);
        db.AccessLog.Add(new AccessLogRow
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
            RecordHash = entry.RecordHash,
            AtMs = now.ToUnixTimeMilliseconds(),
            SignedEvent = jws,
        });
        db.AddIntegrationEvent(new RecordAccessedV1(entry.Patient, entry.Actor, entry.RecordHash, entry.DecisionId, entry.Outcome, jws), "record-vault");
    }
}

/// <summary>What one access was: who, to which record version, what they did and what the decision said.</summary>
public sealed record AccessEntry(
    Guid RecordId, int? Version, string Patient, string Actor, string Action, string Outcome,
    Guid DecisionId, string RecordHash, string? Purpose, string? Reason);
