using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Contracts.CodeLists;
using Platform.Contracts.Decisions;
using Platform.Crypto;
using Platform.RecordVault.Access;
using Platform.RecordVault.Core;
using Platform.RecordVault.Data;
using Platform.ServiceDefaults;

namespace Platform.RecordVault.Records;

/// <summary>
/// Creates, reads, versions and erases records. Every operation passes the access gate first, for its own
/// permission (<see cref="RecordOperation"/>: read, write, erase), before anything about the record but its
/// existence is looked at or answered; the content is
/// encrypted under a fresh data key per version (wrapped by the KEK) before it touches the database; and the
/// signed access event is saved in the same transaction as the change — or, for reads and refusals, on its own.
/// </summary>
public sealed partial class RecordStore(
    RecordVaultDbContext db,
    RecordAccessGate gate,
    AccessAudit audit,
    AccessAuditWriter auditWriter,
    RefusalQuota refusals,
    EnvelopeCipher cipher,
    IKeyProvider keys,
    IOptions<RecordVaultOptions> options,
    TimeProvider time,
    SearchKeyHasher searchKeys,
    ILoggerFactory loggers)
{
    /// <summary>The category of the vault's audit lines (the admin erasure procedure logs there too).</summary>
    public const string AuditCategory = "Platform.RecordVault.Audit";

    private readonly ILogger _audit = loggers.CreateLogger(AuditCategory);

    /// <summary>SHA-256 of nothing: the record hash in the audit of a refused create, when no record exists.</summary>
    public static readonly string NoRecordHash = Convert.ToHexStringLower(SHA256.HashData([]));

    /// <summary>The reason the access log and the patient see for an admin's erasure.</summary>
    public const string AdminErasureReason = "admin_erasure";

    /// <summary>The purpose recorded for an admin's erasure: healthcare operations (HL7 PurposeOfUse HOPERAT).</summary>
    public const string AdminErasurePurpose = "HOPERAT";

    /// <param name="checkPermitted">Checks the content may be written (a DocumentReference's Binary belongs to the
    /// patient), run only once the write is permitted: a caller who may not write for the patient learns nothing from it.</param>
    public async Task<(RecordRow Record, RecordVersionRow Version)> CreateAsync(RecordCaller caller, string patient, RecordPayload payload, CancellationToken cancellationToken,
        Func<CancellationToken, Task>? checkPermitted = null)
    {
        var id = Guid.NewGuid();
        await searchKeys.EnsureLoadedAsync(db, cancellationToken);
        var decision = await gate.DecideAsync(caller, patient, payload.Category, RecordOperation.Write, cancellationToken);
        if (!decision.Permits)
        {
            await RefuseAsync(caller, id, null, patient, RecordOperation.Write, NoRecordHash, decision, cancellationToken);
        }
        if (checkPermitted is not null)
        {
            await checkPermitted(cancellationToken);
        }
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var record = new RecordRow
        {
            Id = id, Patient = patient, Category = payload.Category, Kind = payload.Kind, ResourceType = payload.ResourceType,
            ContentType = payload.ContentType, CurrentVersion = 1, CreatedAtMs = now, UpdatedAtMs = now,
        };
        var version = await EncryptAsync(record, 1, payload.Content, caller.SubjectId, cancellationToken);
        db.Records.Add(record);
        db.RecordVersions.Add(version);
        await IndexAsync(record, payload.Resource, cancellationToken);
        await audit.AddAsync(db, Entry(caller, record, version, RecordOperation.Write, decision), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return (record, version);
    }

    /// <param name="expectedVersion">When set (FHIR <c>If-Match</c>), the version the caller last saw: any other current
    /// version is <c>412 version_conflict</c>, checked only after the write permission, like the record's shape.</param>
    /// <param name="checkPermitted">As for <see cref="CreateAsync"/>: content checks run only after the write permission.</param>
    public async Task<(RecordRow Record, RecordVersionRow Version)> AddVersionAsync(RecordCaller caller, Guid id, RecordPayload payload, CancellationToken cancellationToken, int? expectedVersion = null,
        Func<CancellationToken, Task>? checkPermitted = null)
    {
        await searchKeys.EnsureLoadedAsync(db, cancellationToken);
        var record = await FindAsync(id, caller, cancellationToken);
        var current = await db.RecordVersions.AsNoTracking().SingleAsync(v => v.RecordId == id && v.Version == record.CurrentVersion, cancellationToken);
        var decision = await gate.DecideAsync(caller, record.Patient, record.Category, RecordOperation.Write, cancellationToken);
        if (!decision.Permits)
        {
            await RefuseAsync(caller, id, record.CurrentVersion, record.Patient, RecordOperation.Write, current.Hash, decision, cancellationToken);
        }
        // Only after the permission check: the record's version, kind and category are not for callers who may not write it.
        if (expectedVersion is { } expected && expected != record.CurrentVersion)
        {
            throw VersionConflict(id, expected);
        }
        if (checkPermitted is not null)
        {
            await checkPermitted(cancellationToken);
        }
        if (payload.Kind != record.Kind || payload.Category != record.Category)
        {
            throw ProblemException.Unprocessable($"A new version must keep the record's kind ({record.Kind}) and category ({record.Category}).", "record_shape_changed");
        }
        var next = record.CurrentVersion + 1;
        var version = await EncryptAsync(record, next, payload.Content, caller.SubjectId, cancellationToken);
        record.CurrentVersion = next;
        record.ContentType = payload.ContentType;
        record.ResourceType = payload.ResourceType;
        record.UpdatedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        db.RecordVersions.Add(version);
        await IndexAsync(record, payload.Resource, cancellationToken);
        await audit.AddAsync(db, Entry(caller, record, version, RecordOperation.Write, decision), cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // A writer who named the version they saw lost a race for exactly that version: their precondition failed.
            throw expectedVersion is { } seen ? VersionConflict(id, seen)
                : ProblemException.Conflict("The record got a new version at the same time; read it again and retry.", "concurrent_version");
        }
        return (record, version);
    }

    /// <summary>Decrypts the current (or a given) version for a permitted caller; the read is audited before the content leaves.</summary>
    public async Task<(RecordRow Record, RecordVersionRow Version, byte[] Content)> ReadAsync(RecordCaller caller, Guid id, int? versionNumber, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.BreakGlass && caller.BreakGlassReason is null)
        {
            // Refused before the record is looked up: nothing is read, decided or stored without the reason.
            throw BreakGlassReason.Required();
        }
        // One round trip, nothing tracked: the record and the asked-for (or current) version together.
        var found = await RecordReadLookup.FindAsync(db, id, versionNumber, cancellationToken);
        var record = Visible(found?.Record, id, caller);
        var requested = found!.Version;
        var decision = await gate.DecideAsync(caller, record.Patient, record.Category, RecordOperation.Read, cancellationToken);
        if (!decision.Permits)
        {
            // The refusal is the same whether the asked-for version exists or not; the audit names the version asked
            // for when there is one, else the current one.
            var audited = requested ?? await db.RecordVersions.AsNoTracking().SingleAsync(v => v.RecordId == id && v.Version == record.CurrentVersion, cancellationToken);
            await RefuseAsync(caller, id, audited.Version, record.Patient, RecordOperation.Read, audited.Hash, decision, cancellationToken);
        }
        var version = requested ?? throw ProblemException.NotFound($"Record {id} has no version {versionNumber}.");
        var content = await DecryptAsync(record, version, cancellationToken);
        // A read changes nothing but its audit: committed with other reads' (group commit), durable before the content leaves.
        var signed = await audit.SignAsync(Entry(caller, record, version, RecordOperation.Read, decision), cancellationToken);
        await auditWriter.WriteAsync(signed);
        return (record, version, content);
    }

    /// <summary>
    /// Erasure by crypto-shredding: every version's wrapped data key and ciphertext are destroyed, the record stays
    /// as a tombstone with its hashes (the ledger holds only those). Only the patient erases here: no consent grants
    /// erasure and break-glass never does (a clinician's attempt is refused and audited).
    /// </summary>
    public async Task<RecordRow> EraseAsync(RecordCaller caller, Guid id, CancellationToken cancellationToken)
    {
        var record = await FindAsync(id, caller, cancellationToken);
        var versions = await db.RecordVersions.Where(v => v.RecordId == id).ToListAsync(cancellationToken);
        var current = versions.Single(v => v.Version == record.CurrentVersion);
        var decision = await gate.DecideAsync(caller, record.Patient, record.Category, RecordOperation.Erase, cancellationToken);
        if (!decision.Permits)
        {
            await RefuseAsync(caller, id, current.Version, record.Patient, RecordOperation.Erase, current.Hash, decision, cancellationToken);
        }
        return await ShredAsync(record, versions, caller.SubjectId, decision, cancellationToken, caller);
    }

    /// <summary>
    /// The admin erasure procedure (docs/record-vault.md): an admin with a second factor erases a record on the
    /// patient's documented request. No consent is asked (none could grant it); the erasure is audited like the
    /// patient's own, with the admin as actor and <see cref="AdminErasureReason"/> as the reason, and committed to the
    /// ledger. The admin's stated reason is logged by the endpoint, never put on the ledger (it is free text).
    /// </summary>
    public async Task<RecordRow> EraseAsAdminAsync(string admin, Guid id, CancellationToken cancellationToken)
    {
        var record = await FindAsync(id, null, cancellationToken);
        var versions = await db.RecordVersions.Where(v => v.RecordId == id).ToListAsync(cancellationToken);
        var decision = new AccessDecision(Guid.NewGuid(), DecisionOutcomes.Permit, AdminErasureReason, AdminErasurePurpose);
        return await ShredAsync(record, versions, admin, decision, cancellationToken);
    }

    private async Task<RecordRow> ShredAsync(RecordRow record, List<RecordVersionRow> versions, string actor, AccessDecision decision, CancellationToken cancellationToken, RecordCaller? caller = null)
    {
        var id = record.Id;
        var current = versions.Single(v => v.Version == record.CurrentVersion);
        foreach (var version in versions)
        {
            version.WrappedKey = null;
            version.Ciphertext = null;
        }
        cipher.Cache?.RemoveRecord(id.ToString("D"));
        // The search keys came from the content: hashed codes and clinical dates must go with the data key.
        db.SearchKeys.RemoveRange(await db.SearchKeys.Where(k => k.RecordId == id).ToListAsync(cancellationToken));
        record.SearchIndexedVersion = null;
        record.ErasedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        await audit.AddAsync(db, new AccessEntry(record.Id, current.Version, record.Patient, actor, RecordOperation.Erase.AuditAction(), decision.Outcome,
            decision.DecisionId, current.Hash, decision.Purpose, decision.Reason, NetworkAddress: caller?.NetworkAddress, ClientId: caller?.ClientId), cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw ProblemException.Conflict("The record changed at the same time (a new version or a key rewrap); try again.", "concurrent_change");
        }
        return record;
    }

    /// <summary>
    /// The record, or 404. That a record was erased (410) is told only to its patient and to admins (a null
    /// <paramref name="caller"/>); to anyone else an erased record is missing, so a tombstone answers nothing a random id does not.
    /// A miss has no patient whose access log or ledger entry could hold it, so it is audited to the vault's audit log.
    /// </summary>
    private async Task<RecordRow> FindAsync(Guid id, RecordCaller? caller, CancellationToken cancellationToken)
    {
        var record = await db.Records.FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        return Visible(record, id, caller);
    }

    /// <summary>The rules of <see cref="FindAsync"/> for a record already looked up (null when there is none).</summary>
    private RecordRow Visible(RecordRow? record, Guid id, RecordCaller? caller)
    {
        if (record is null)
        {
            LogMiss(_audit, caller?.SubjectId ?? "admin", id, "missing");
            throw NoSuchRecord(id);
        }
        if (record.ErasedAtMs is null)
        {
            return record;
        }
        if (caller is null || caller.IsOwner(record.Patient))
        {
            throw new ProblemException(StatusCodes.Status410Gone, "The record was erased.", $"Record {id} was erased; only its tombstone and hashes remain.", "record_erased");
        }
        LogMiss(_audit, caller.SubjectId, id, "erased");
        throw NoSuchRecord(id);
    }

    /// <summary>
    /// Replaces the record's FHIR search keys with those of its new current version (tracked, saved with the version).
    /// A payload without a parsed resource (an attachment) has none.
    /// </summary>
    private async Task IndexAsync(RecordRow record, Hl7.Fhir.Model.Resource? resource, CancellationToken cancellationToken)
    {
        if (record.SearchIndexedVersion is not null)
        {
            db.SearchKeys.RemoveRange(await db.SearchKeys.Where(k => k.RecordId == record.Id).ToListAsync(cancellationToken));
        }
        if (resource is null)
        {
            record.SearchIndexedVersion = null;
            return;
        }
        db.SearchKeys.AddRange(Fhir.FhirContentSearch.Keys(resource, record.Id, record.Patient, searchKeys));
        record.SearchIndexedVersion = record.CurrentVersion;
    }

    /// <summary>
    /// The backfill of search keys (<see cref="SearchKeyBackfill"/>): FHIR records whose current version has none yet
    /// (written before search keys existed) are decrypted inside the vault, indexed and saved, a batch at a time. This
    /// is the vault's own housekeeping, like a rewrap — no content leaves, so it is no one's read and is not audited.
    /// Returns how many were indexed.
    /// </summary>
    public async Task<int> IndexBatchAsync(int batchSize, CancellationToken cancellationToken)
    {
        await searchKeys.EnsureLoadedAsync(db, cancellationToken);
        var records = await db.Records
            .Where(r => r.Kind == RecordPayload.Fhir && r.ErasedAtMs == null && (r.SearchIndexedVersion == null || r.SearchIndexedVersion != r.CurrentVersion))
            .OrderBy(r => r.Id).Take(batchSize).ToListAsync(cancellationToken);
        foreach (var record in records)
        {
            var version = await db.RecordVersions.AsNoTracking().SingleAsync(v => v.RecordId == record.Id && v.Version == record.CurrentVersion, cancellationToken);
            var content = await DecryptAsync(record, version, cancellationToken);
            var parsed = new FhirRecordValidator().Validate(content);
            db.SearchKeys.RemoveRange(await db.SearchKeys.Where(k => k.RecordId == record.Id).ToListAsync(cancellationToken));
            if (parsed.Resource is { } resource)
            {
                db.SearchKeys.AddRange(Fhir.FhirContentSearch.Keys(resource, record.Id, record.Patient, searchKeys));
            }
            // Indexed even when the stored content no longer validates (a stricter validator): it then has no keys, and is not retried forever.
            record.SearchIndexedVersion = record.CurrentVersion;
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // A new version or an erasure came in meanwhile; it indexed itself. The batch is tried again.
            db.ChangeTracker.Clear();
            return 0;
        }
        return records.Count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Actor} asked for record {RecordId}, answered as not found ({Why})")]
    private static partial void LogMiss(ILogger logger, string actor, Guid recordId, string why);

    private static ProblemException VersionConflict(Guid id, int expected) =>
        new(StatusCodes.Status412PreconditionFailed, "The record has changed.",
            $"Record {id} is no longer at version {expected}; read it again and retry.", "version_conflict");

    private static ProblemException NoSuchRecord(Guid id) => ProblemException.NotFound($"No record {id}.");

    private async Task<RecordVersionRow> EncryptAsync(RecordRow record, int version, Stream content, string author, CancellationToken cancellationToken)
    {
        var kek = await keys.GetKeyEncryptionKeyAsync(options.Value.KekName, cancellationToken);
        using var ciphertext = new MemoryStream();
        var sealedRecord = await cipher.EncryptStreamAsync(content, ciphertext, Binding(record, version), kek, cancellationToken);
        return new RecordVersionRow
        {
            RecordId = record.Id,
            Version = version,
            FormatVersion = sealedRecord.FormatVersion,
            NoncePrefix = sealedRecord.NoncePrefix,
            ChunkSize = sealedRecord.ChunkSize,
            PlaintextLength = sealedRecord.PlaintextLength,
            Ciphertext = ciphertext.ToArray(),
            KekName = sealedRecord.WrappedKey.KeyName,
            KekVersion = sealedRecord.WrappedKey.KeyVersion,
            WrapAlgorithm = sealedRecord.WrappedKey.Algorithm,
            WrappedKey = sealedRecord.WrappedKey.Ciphertext,
            Hash = sealedRecord.CiphertextSha256,
            CreatedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
            CreatedBy = author,
        };
    }

    private async Task<byte[]> DecryptAsync(RecordRow record, RecordVersionRow version, CancellationToken cancellationToken)
    {
        if (version.Ciphertext is null || version.WrappedKey is null)
        {
            throw new ProblemException(StatusCodes.Status410Gone, "The record was erased.", "This version's key was destroyed.", "record_erased");
        }
        // Always the configured KEK: a name read from a (possibly tampered) row must never make the provider create a key.
        var kek = await keys.GetKeyEncryptionKeyAsync(options.Value.KekName, cancellationToken);
        var sealedRecord = new EncryptedStreamRecord(version.FormatVersion,
            new WrappedKey(version.KekName, version.KekVersion, version.WrapAlgorithm, version.WrappedKey),
            version.NoncePrefix, version.ChunkSize, version.PlaintextLength, version.Ciphertext.LongLength, version.Hash);
        using var source = new MemoryStream(version.Ciphertext, writable: false);
        // Decrypt fully before answering: a tampered tail must not leave a partial record in a response.
        using var plaintext = new MemoryStream((int)Math.Min(version.PlaintextLength, int.MaxValue));
        try
        {
            await cipher.DecryptStreamAsync(sealedRecord, source, plaintext, Binding(record, version.Version), kek, cancellationToken);
        }
        catch (RecordDecryptionException ex)
        {
            // Stored data that fails authentication was altered or misplaced: say so, show nothing.
            throw new ProblemException(StatusCodes.Status500InternalServerError, "The stored record failed its integrity check.",
                $"Record {record.Id} version {version.Version} could not be authenticated ({ex.Failure}); it was altered outside the vault.", "integrity_check_failed");
        }
        return plaintext.ToArray();
    }

    private static RecordBinding Binding(RecordRow record, int version) =>
        new(record.Id.ToString("D"), version, record.Patient, record.Category);

    private async Task RefuseAsync(RecordCaller caller, Guid id, int? version, string patient, RecordOperation operation, string hash, AccessDecision decision, CancellationToken cancellationToken)
    {
        var action = operation.AuditAction();
        db.ChangeTracker.Clear();
        // Every refusal spends the caller's budget, known patient or not, so running out tells nothing about who exists.
        if (!refusals.TryTake(caller.SubjectId, out var retryAfter))
        {
            throw ProblemException.TooManyRequests("Too many refused attempts; nothing more is accepted from you for a while.", "too_many_refusals", retryAfter);
        }
        // A refused attempt on a patient the vault does not know (no record of theirs, no verified identity) concerns
        // nobody: it is refused exactly the same way but never becomes a permanent ledger entry.
        if (version is not null || await IsKnownPatientAsync(patient, cancellationToken))
        {
            await audit.AddAsync(db, new AccessEntry(id, version, patient, caller.SubjectId, action, DecisionOutcomes.Deny, decision.DecisionId, hash, decision.Purpose, decision.Reason,
                EmergencyReason(caller), caller.NetworkAddress, caller.ClientId), cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
        }
        // Audited like any refusal, but answered 503: the caller may try again, and "no consent" would be untrue.
        if (decision.ConsentUnavailable)
        {
            throw new ConsentUnavailableException(decision.Reason);
        }
        // Whoever is refused on an existing record (another patient, a clinician without a consent that covers it,
        // an erasure or break-glass write by a clinician) gets exactly the answer a random id gets: a 403 with the
        // consent's reason would tell that the record exists, and for ?version=N the refusal comes before the version
        // is looked at. The reason is kept in the patient's access log and on the ledger. A create has no record to
        // hide, so it keeps its 403 with the reason.
        if (version is not null && !caller.IsOwner(patient))
        {
            throw NoSuchRecord(id);
        }
        throw new ProblemException(StatusCodes.Status403Forbidden, "Access refused.", $"Nothing allows this {action}: {decision.Reason}.", decision.Reason);
    }

    private async Task<bool> IsKnownPatientAsync(string patient, CancellationToken cancellationToken) =>
        await db.Records.AnyAsync(r => r.Patient == patient, cancellationToken)
        || await db.KnownPatients.AnyAsync(k => k.Patient == patient, cancellationToken);

    private static AccessEntry Entry(RecordCaller caller, RecordRow record, RecordVersionRow version, RecordOperation operation, AccessDecision decision) =>
        new(record.Id, version.Version, record.Patient, caller.SubjectId, operation.AuditAction(), decision.Outcome, decision.DecisionId, version.Hash, decision.Purpose, decision.Reason,
            EmergencyReason(caller), caller.NetworkAddress, caller.ClientId);

    /// <summary>The clinician's reason goes with every access made under break-glass, refused ones included, so the patient reads what was claimed.</summary>
    private static string? EmergencyReason(RecordCaller caller) => caller.BreakGlass ? caller.BreakGlassReason : null;
}
