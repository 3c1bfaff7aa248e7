using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Hl7.Fhir.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.Extensions.Options;
using Platform.Contracts.CodeLists;
using Platform.Contracts.Events;
using Platform.Crypto;
using Platform.Messaging.Outbox;
using Platform.RecordVault.Access;
using Platform.RecordVault.Core;
using Platform.RecordVault.Core.Research;
using Platform.RecordVault.Data;
using Platform.RecordVault.Records;
using Platform.ServiceDefaults;
using Platform.SignedEvents;
using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Research;

/// <summary>
/// Runs one claimed research export: asks the consent service for the study's consent set again (the organisation
/// must still be verified and the requester still its representative), reads each participant's FHIR records of the
/// categories both the study and their opt-in name through <see cref="RecordStore.ReadAsync"/> as the study — so every
/// record is decided by the consent service (purpose HRESCH, the study's grantee id) and audited to the ledger like
/// any read, and a record whose opt-in was revoked meanwhile is refused and left out — de-identifies them
/// (<see cref="StudyDeidentifier"/>, the study's level, k from the options, study pseudonyms under the wrapped master
/// key), and saves the encrypted files, the manifest, the signed <c>research.exported</c> event and its outbox message
/// in one transaction that also checks the export is still this worker's: a failure saves none of it.
/// </summary>
public sealed class ResearchExportRunner(
    RecordVaultDbContext db, RecordStore store, ConsentSetClient consentSets, PseudonymMasterKey masterKey, ResearchFileCipher files,
    IKeyProvider keys, IOptions<ResearchExportOptions> options, TimeProvider time)
{
    private static readonly FhirJsonDeserializer Deserializer = new(new DeserializerSettings());

    /// <summary>The resource types a study export can carry (the de-identifier's allowlist; Patient is built, never read).</summary>
    private static readonly string[] ExportableTypes =
    [
        "Observation", "Condition", "MedicationRequest", "MedicationStatement", "MedicationAdministration", "MedicationDispense",
        "AllergyIntolerance", "Immunization", "Procedure", "DiagnosticReport", "ImagingStudy",
    ];

    /// <summary>Runs the export; false when it was taken over (or deleted) while running. Throws <see cref="ResearchExportFailed"/> with a stable code.</summary>
    public async Task<bool> RunAsync(Guid exportId, Guid worker, CancellationToken cancellationToken)
    {
        var export = await db.ResearchExports.AsNoTracking().SingleOrDefaultAsync(e => e.Id == exportId, cancellationToken);
        if (export is null)
        {
            return false;
        }
        var set = await consentSets.GetAsync(export.StudyId, cancellationToken) ?? throw new ResearchExportFailed("study_not_found");
        if (!set.OrganisationVerified || !string.Equals(set.Representative, export.Requester, StringComparison.Ordinal))
        {
            throw new ResearchExportFailed("export_not_allowed");
        }
        if (set.Truncated)
        {
            throw new ResearchExportFailed("consent_set_truncated");
        }
        var level = set.Study.DeidentificationLevel switch
        {
            "safe-harbor" => DeidentificationLevel.SafeHarbor,
            "shifted-dates" => DeidentificationLevel.ShiftedDates,
            _ => throw new ResearchExportFailed("unknown_deidentification_level"),
        };
        var exportedAt = time.GetUtcNow();
        var studyActor = StudyActor(export.StudyId);
        var caller = new RecordCaller(studyActor, IsPatient: false, IsClinician: false, PurposesOfUse.HealthcareResearch, BreakGlass: false, IsStudy: true);

        var participants = new List<ParticipantRecords>(set.Participants.Count);
        var consentOf = new Dictionary<string, Guid>(StringComparer.Ordinal);
        foreach (var participant in set.Participants.DistinctBy(p => p.Patient, StringComparer.Ordinal))
        {
            var categories = participant.Categories.Intersect(set.Study.Categories, StringComparer.Ordinal).ToArray();
            var listed = await db.Records.AsNoTracking()
                .Where(r => r.Patient == participant.Patient && r.Kind == RecordPayload.Fhir && r.ErasedAtMs == null
                            && categories.Contains(r.Category) && ExportableTypes.Contains(r.ResourceType!))
                .OrderBy(r => r.Id).Select(r => r.Id).ToListAsync(cancellationToken);
            var resources = new List<R4.Resource>(listed.Count);
            var refused = false;
            foreach (var id in listed)
            {
                try
                {
                    var (_, _, content) = await store.ReadAsync(caller, id, null, cancellationToken);
                    if (Deserializer.TryDeserializeResource(new System.Text.Json.Utf8JsonReader(content), out var resource, out _) && resource is not null)
                    {
                        resources.Add(resource);
                    }
                }
                catch (ProblemException ex) when (ex.StatusCode is StatusCodes.Status403Forbidden)
                {
                    // Refused: the opt-in was revoked or narrowed since the set was fetched (the refusal is audited).
                    // The participant is left out entirely, so the export neither carries nor counts them.
                    refused = true;
                }
                catch (ProblemException ex) when (ex.StatusCode is StatusCodes.Status404NotFound or StatusCodes.Status410Gone)
                {
                    // Erased meanwhile: not exported.
                }
                db.ChangeTracker.Clear();
            }
            if (!refused)
            {
                participants.Add(new ParticipantRecords(participant.Patient, Demographics: null, resources));
                consentOf[participant.Patient] = participant.ConsentId;
            }
            if (!await RenewAsync(exportId, worker, cancellationToken))
            {
                return false;
            }
        }

        var master = await masterKey.UnwrapAsync(db, cancellationToken);
        StudyExportResult result;
        string includedConsents;
        try
        {
            using var pseudonyms = new StudyPseudonyms(master, export.StudyId.ToString("D"));
            result = StudyDeidentifier.Deidentify(participants, pseudonyms, new DeidentificationOptions
            {
                Level = level,
                KAnonymity = new KAnonymityOptions { K = options.Value.K },
                ReferenceDate = DateOnly.FromDateTime(exportedAt.UtcDateTime),
            });
            // Only the released participants' opt-ins: those withheld by k-anonymity are not in the export.
            var released = result.Participants.Select(p => p.StudyPseudonym).ToHashSet(StringComparer.Ordinal);
            includedConsents = string.Join(' ', consentOf.Where(c => released.Contains(pseudonyms.Participant(c.Key)))
                .Select(c => c.Value.ToString("N")).Order(StringComparer.Ordinal));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(master);
        }

        var rows = new List<ResearchExportFileRow>();
        foreach (var (name, text) in result.ToNdjson())
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            rows.Add(await files.EncryptAsync(exportId, name, text.Count(c => c == '\n'), bytes, cancellationToken));
        }
        var manifest = new ResearchExportManifest(ResearchExportManifest.FormatV1, exportId, export.StudyId, set.ConsentSetHash, result.RulesVersion,
            set.Study.DeidentificationLevel, options.Value.K, exportedAt.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            result.Participants.Count, [.. rows.OrderBy(r => r.Name, StringComparer.Ordinal).Select(r => new ResearchExportManifestFile(r.Name, r.Sha256, r.Count))]);
        var manifestBytes = manifest.ToUtf8();
        var manifestHash = ResearchExportManifest.Sha256Hex(manifestBytes);
        var eventId = Guid.NewGuid();
        var payload = new ResearchExportEventPayload
        {
            EventId = eventId,
            Issuer = AccessAudit.Source,
            IssuedAt = exportedAt.ToUnixTimeSeconds(),
            Subject = "export-" + exportId.ToString("N"),
            ManifestHash = manifestHash,
        };
        var signed = await new SignedEventWriter(await keys.GetSigningKeyAsync(AccessAudit.KeyName, cancellationToken)).SignAsync(payload, cancellationToken);
        return await CompleteAsync(exportId, worker, rows, Encoding.UTF8.GetString(manifestBytes), manifestHash, eventId, signed, includedConsents, cancellationToken);
    }

    /// <summary>The grantee id a study's opt-ins name (<c>study-&lt;32 hex&gt;</c>): the actor of its reads.</summary>
    public static string StudyActor(Guid studyId) => "study-" + studyId.ToString("N");

    private async Task<bool> CompleteAsync(Guid exportId, Guid worker, List<ResearchExportFileRow> rows, string manifest, string manifestHash,
        Guid eventId, string signed, string includedConsents, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var mine = await UpdateAsync(exportId, worker, s => s
            .SetProperty(e => e.Status, ResearchExportRow.Completed)
            .SetProperty(e => e.CompletedAtMs, now)
            .SetProperty(e => e.Manifest, manifest)
            .SetProperty(e => e.ManifestHash, manifestHash)
            .SetProperty(e => e.LedgerEventId, eventId)
            .SetProperty(e => e.SignedEvent, signed)
            .SetProperty(e => e.IncludedConsents, includedConsents)
            .SetProperty(e => e.LeaseOwner, (Guid?)null), cancellationToken);
        if (!mine)
        {
            return false;
        }
        db.ResearchExportFiles.AddRange(rows);
        db.AddIntegrationEvent(new ResearchExportedV1(exportId, manifestHash, signed), AccessAudit.Source);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private Task<bool> RenewAsync(Guid exportId, Guid worker, CancellationToken cancellationToken) =>
        UpdateAsync(exportId, worker, _ => { }, cancellationToken);

    /// <summary>Changes the export while it is still running under this worker's claim (and renews the claim); false when it is not.</summary>
    private async Task<bool> UpdateAsync(Guid exportId, Guid worker, Action<UpdateSettersBuilder<ResearchExportRow>> set, CancellationToken cancellationToken)
    {
        var lease = time.GetUtcNow().Add(options.Value.Lease).ToUnixTimeMilliseconds();
        var changed = await db.ResearchExports
            .Where(e => e.Id == exportId && e.Status == ResearchExportRow.Running && e.LeaseOwner == worker)
            .ExecuteUpdateAsync(s =>
            {
                s.SetProperty(e => e.LeaseUntilMs, lease);
                set(s);
            }, cancellationToken);
        return changed == 1;
    }
}

/// <summary>An export that cannot be made, with a stable code for its status answer (never content).</summary>
public sealed class ResearchExportFailed(string code) : Exception(code)
{
    public string Code { get; } = code;
}
