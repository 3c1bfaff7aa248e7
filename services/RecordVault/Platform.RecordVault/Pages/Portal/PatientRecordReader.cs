using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Platform.RecordVault.Data;
using Platform.RecordVault.Fhir;
using Platform.RecordVault.Records;
using Platform.ServiceDefaults;
using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Pages.Portal;

/// <summary>
/// What the portal's pages ask of the vault, each through <see cref="RecordStore"/> with the signed-in patient as
/// the caller: content leaves only through <see cref="RecordStore.ReadAsync"/>, which decides and audits every read
/// (access log and ledger) exactly as <c>GET /records/{id}</c> does. Metadata (what the API's list shows) is read
/// directly, for the patient's own records only.
/// </summary>
public sealed class PatientRecordReader(RecordVaultDbContext db, RecordStore store)
{
    /// <summary>The patient's records, newest first; each live FHIR record is read (and audited) to show what it says.</summary>
    public async Task<IReadOnlyList<PortalRecord>> ListAsync(RecordCaller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var rows = await db.Records.AsNoTracking().Where(r => r.Patient == caller.SubjectId)
            .OrderByDescending(r => r.CreatedAtMs).ToListAsync(cancellationToken);
        var records = new List<PortalRecord>(rows.Count);
        foreach (var row in rows)
        {
            records.Add(new PortalRecord(row, row.ErasedAtMs is null && row.Kind == RecordPayload.Fhir ? await SummaryAsync(caller, row.Id, cancellationToken) : null));
        }
        return records;
    }

    /// <summary>One record's version (the current one when null) with its content, read and audited by the store, and the list of its versions.</summary>
    public async Task<(RecordRow Record, RecordVersionRow Version, byte[] Content, IReadOnlyList<RecordVersionRow> Versions)> ReadAsync(
        RecordCaller caller, Guid id, int? version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var (record, stored, content) = await store.ReadAsync(caller, id, version, cancellationToken);
        // Only after the store permitted and audited the read: the versions' metadata is the patient's to see.
        var versions = await db.RecordVersions.AsNoTracking().Where(v => v.RecordId == id).OrderByDescending(v => v.Version).ToListAsync(cancellationToken);
        return (record, stored, content, versions);
    }

    /// <summary>An erased record's tombstone, for its patient only (anyone else: not found, as the store answers).</summary>
    public async Task<RecordRow> TombstoneAsync(RecordCaller caller, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var record = await db.Records.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        return record is not null && record.ErasedAtMs is not null && caller.IsOwner(record.Patient)
            ? record
            : throw ProblemException.NotFound($"No record {id}.");
    }

    /// <summary>
    /// Every live record of the patient as a FHIR Bundle of type collection: FHIR records as stored (stamped with the
    /// vault's id, version and time, as the FHIR API serves them), documents as Binary resources. Each is read through
    /// the store, so the export is audited read by read like the API.
    /// </summary>
    public async Task<R4.Bundle> ExportAsync(RecordCaller caller, string baseUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var ids = await db.Records.AsNoTracking().Where(r => r.Patient == caller.SubjectId && r.ErasedAtMs == null)
            .OrderBy(r => r.CreatedAtMs).Select(r => r.Id).ToListAsync(cancellationToken);
        var bundle = new R4.Bundle { Type = R4.Bundle.BundleType.Collection, Timestamp = DateTimeOffset.UtcNow, Id = Guid.NewGuid().ToString("D") };
        foreach (var id in ids)
        {
            try
            {
                var (record, version, content) = await store.ReadAsync(caller, id, null, cancellationToken);
                R4.Resource resource = record.Kind == RecordPayload.Fhir
                    ? FhirContent.Stamped(content, record, version)
                    : FhirContent.Stamp(new R4.Binary { ContentType = record.ContentType, Data = content }, record, version);
                bundle.Entry.Add(new R4.Bundle.EntryComponent { FullUrl = $"{baseUrl}/{resource.TypeName}/{record.Id:D}", Resource = resource });
            }
            catch (ProblemException ex) when (ex.StatusCode is StatusCodes.Status404NotFound or StatusCodes.Status410Gone)
            {
                // Erased between the list and the read: nothing of it is left to export.
            }
        }
        return bundle;
    }

    private async Task<RecordSummary?> SummaryAsync(RecordCaller caller, Guid id, CancellationToken cancellationToken)
    {
        try
        {
            var (_, _, content) = await store.ReadAsync(caller, id, null, cancellationToken);
            return FhirContent.Parse(content) is { } resource ? RecordSummary.Of(resource) : null;
        }
        catch (ProblemException ex) when (ex.StatusCode is StatusCodes.Status404NotFound or StatusCodes.Status410Gone)
        {
            return null;
        }
    }
}
