using Microsoft.EntityFrameworkCore;
using Platform.Consent.Core;
using Platform.Consent.Data;
using Platform.Contracts.CodeLists;
using Platform.ServiceDefaults;
using Platform.SignedEvents;

namespace Platform.Consent.Decisions;

/// <summary>
/// Which patients an actor's consents in force cover now: those for whom the decision engine permits reading at least
/// one category for the purpose (the same rules as <c>POST /decisions</c>, break-glass never counted). The identity
/// service's SMART patient picker lists exactly these (docs/fhir.md).
/// </summary>
public sealed class CoveredPatients(ConsentDbContext db, TimeProvider time)
{
    public async Task<IReadOnlyList<string>> ListAsync(CoveredPatientsBody body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (!Pseudonyms.IsValid(body.Actor))
        {
            throw ProblemException.Unprocessable("actor is not a pseudonymous id (8-128 of A-Z a-z 0-9 _ -).", "malformed_actor");
        }
        if (!GranteeKindCodes.TryParse(body.ActorKind ?? GranteeKindCodes.Practitioner, out var kind))
        {
            throw ProblemException.Unprocessable("actorKind must be 'practitioner' or 'organization'.", "unknown_actor_kind");
        }
        var purpose = body.Purpose ?? PurposesOfUse.Treatment;
        if (!PurposesOfUse.IsKnown(purpose))
        {
            throw ProblemException.Unprocessable($"Unknown purpose of use '{purpose}'. See GET /codes.", ConsentErrorCodes.UnknownPurpose);
        }
        var now = time.GetUtcNow();
        var rows = await db.Consents.AsNoTracking().Where(c => c.GranteeId == body.Actor).ToListAsync(cancellationToken);
        var covered = new List<string>();
        foreach (var patient in rows.GroupBy(r => r.Subject, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var consents = patient.Select(r => r.ToConsent()).ToList();
            if (RecordCategories.All.Any(category => DecisionEngine.Decide(
                    new DecisionRequest(patient.Key, body.Actor!, kind.Value, category.Code, purpose, now), consents).Outcome == DecisionOutcome.Permit))
            {
                covered.Add(patient.Key);
            }
        }
        return covered;
    }
}

/// <summary>POST /decisions/patients body: the actor (a practitioner by default) and the purpose (TREAT by default).</summary>
public sealed record CoveredPatientsBody(string? Actor, string? ActorKind, string? Purpose);
