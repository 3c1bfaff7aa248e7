using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Platform.RecordVault.Data;
using Platform.RecordVault.Records;
using Platform.ServiceDefaults;
using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Fhir;

/// <summary>What a search found: how many the caller may read in all, and this page's resources.</summary>
public sealed record FhirSearchResult(int Total, IReadOnlyList<R4.Resource> Page);

/// <summary>
/// A search in one patient's compartment. Matching uses metadata (patient, type, id, last update) and the search keys
/// stored when each version was written (blind-indexed codes and categories, date ranges), so no content is decrypted
/// to decide what matches; the categories the caller may not read are dropped before counting
/// (<see cref="RecordAccessGate.ReadableCategoriesAsync"/>, as the record list does), and each resource on the page is
/// then read through <see cref="RecordStore.ReadAsync"/>: decided again, audited and sent to the ledger like any read.
/// </summary>
public sealed class FhirSearch(RecordVaultDbContext db, RecordAccessGate gate, RecordStore store, SearchKeyHasher searchKeys)
{
    public async Task<FhirSearchResult> RunAsync(RecordCaller caller, string type, FhirSearchQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(query);
        var patient = RequirePatient(caller, query.Patient);
        var candidates = await ReadableAsync(caller, patient, [type], cancellationToken);
        var byContent = query.UsesContent ? await MatchingContentAsync(patient, type, query, cancellationToken) : null;
        var matching = candidates
            .Where(c => byContent is null || byContent.Contains(c.Id))
            .Where(c => query.Ids.Count == 0 || query.Ids.Contains(c.Id))
            .Where(c => query.LastUpdated.All(range => range.Matches(DateTimeOffset.FromUnixTimeMilliseconds(c.CreatedAtMs))))
            .ToList();
        var ordered = query.Descending
            ? matching.OrderByDescending(c => c.CreatedAtMs).ThenByDescending(c => c.Id)
            : matching.OrderBy(c => c.CreatedAtMs).ThenBy(c => c.Id);
        return new FhirSearchResult(matching.Count, await ReadPageAsync(caller, ordered.Skip(query.Offset).Take(query.Count), cancellationToken));
    }

    /// <summary>
    /// <c>Patient/{id}/$everything</c>: every resource of the given types in the patient's compartment the caller may
    /// read, last updated at or after <paramref name="since"/> when given, oldest first, one page at a time — with the
    /// same consent filtering before counting and the same audited reads as a search.
    /// </summary>
    public async Task<FhirSearchResult> EverythingAsync(RecordCaller caller, string patient, IReadOnlyCollection<string> types, DateTimeOffset? since, int count, int offset, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        RequirePatient(caller, patient);
        var sinceMs = since?.ToUnixTimeMilliseconds() ?? long.MinValue;
        var matching = (await ReadableAsync(caller, patient, types, cancellationToken)).Where(c => c.CreatedAtMs >= sinceMs).ToList();
        var ordered = matching.OrderBy(c => c.CreatedAtMs).ThenBy(c => c.Id);
        return new FhirSearchResult(matching.Count, await ReadPageAsync(caller, ordered.Skip(offset).Take(count), cancellationToken));
    }

    /// <summary>A candidate: the metadata a match is decided on (the last update is the current version's).</summary>
    private sealed record Candidate(Guid Id, string Category, long CreatedAtMs);

    /// <summary>The patient searched: the one named, else (for a patient) themselves; only they and clinicians search.</summary>
    private static string RequirePatient(RecordCaller caller, string? named)
    {
        if (caller.BreakGlass)
        {
            throw ProblemException.Unprocessable("Break-glass applies to reading one record, not to searching.", "break_glass_not_for_lists");
        }
        var patient = named ?? (caller.IsPatient ? caller.SubjectId
            : throw ProblemException.BadRequest("A clinician's search names the patient: ?patient=Patient/{id}.", "patient_required"));
        if (!caller.IsOwner(patient) && !caller.IsClinician)
        {
            throw new ProblemException(StatusCodes.Status403Forbidden, "Not allowed.", "Only the patient and clinicians with consent search a patient's records.", "forbidden");
        }
        return patient;
    }

    /// <summary>
    /// The patient's live FHIR records of the types, less (for anyone but the patient) those in categories the caller
    /// may not read — decided once per category before anything is counted, so what is withheld counts nowhere.
    /// </summary>
    private async Task<List<Candidate>> ReadableAsync(RecordCaller caller, string patient, IReadOnlyCollection<string> types, CancellationToken cancellationToken)
    {
        var candidates = await (
            from r in db.Records.AsNoTracking()
            where r.Patient == patient && types.Contains(r.ResourceType!) && r.Kind == RecordPayload.Fhir && r.ErasedAtMs == null
            join v in db.RecordVersions.AsNoTracking() on new { Id = r.Id, Version = r.CurrentVersion } equals new { Id = v.RecordId, v.Version }
            select new Candidate(r.Id, r.Category, v.CreatedAtMs)).ToListAsync(cancellationToken);
        if (!caller.IsOwner(patient))
        {
            var readable = await gate.ReadableCategoriesAsync(caller, patient, candidates.Select(c => c.Category), cancellationToken);
            candidates = candidates.Where(c => readable.Contains(c.Category)).ToList();
        }
        return candidates;
    }

    /// <summary>Each resource on the page read through the store: decided again, audited and sent to the ledger.</summary>
    private async Task<List<R4.Resource>> ReadPageAsync(RecordCaller caller, IEnumerable<Candidate> page, CancellationToken cancellationToken)
    {
        var resources = new List<R4.Resource>();
        foreach (var candidate in page)
        {
            try
            {
                var (record, version, content) = await store.ReadAsync(caller, candidate.Id, null, cancellationToken);
                resources.Add(FhirContent.Stamped(content, record, version));
            }
            catch (ProblemException ex) when (ex.StatusCode is StatusCodes.Status404NotFound or StatusCodes.Status410Gone)
            {
                // Consent revoked or the record erased since the list was made: the store refused and audited it; the
                // page is one shorter rather than an error that would tell which entry went.
            }
        }
        return resources;
    }

    /// <summary>
    /// The patient's records of the type whose search keys satisfy every content parameter: tokens by their blind-index
    /// hashes (computed here for this patient), dates by range, all in SQL — nothing is decrypted.
    /// </summary>
    private async Task<HashSet<Guid>> MatchingContentAsync(string patient, string type, FhirSearchQuery query, CancellationToken cancellationToken)
    {
        await searchKeys.EnsureLoadedAsync(db, cancellationToken);
        var keys = db.SearchKeys.AsNoTracking().Where(k => k.Patient == patient && k.ResourceType == type);
        HashSet<Guid>? matching = null;
        foreach (var token in query.Tokens)
        {
            var hashes = token.Forms.Select(form => searchKeys.Hash(patient, token.Name, form)).ToList();
            var name = token.Name;
            var ids = await keys.Where(k => k.Parameter == name && hashes.Contains(k.Token!)).Select(k => k.RecordId).Distinct().ToListAsync(cancellationToken);
            matching = Intersect(matching, ids);
        }
        foreach (var date in query.Dates)
        {
            var ids = await keys.Where(k => k.Parameter == FhirContentSearch.Date).Where(date.KeyPredicate()).Select(k => k.RecordId).Distinct().ToListAsync(cancellationToken);
            matching = Intersect(matching, ids);
        }
        return matching ?? [];
    }

    private static HashSet<Guid> Intersect(HashSet<Guid>? soFar, List<Guid> ids)
    {
        if (soFar is null)
        {
            return [.. ids];
        }
        soFar.IntersectWith(ids);
        return soFar;
    }
}
