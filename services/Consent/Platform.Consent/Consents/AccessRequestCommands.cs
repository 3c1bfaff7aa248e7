using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Consent.Core;
using Platform.Consent.Data;
using Platform.ServiceDefaults;

namespace Platform.Consent.Consents;

/// <summary>
/// Clinicians' requests for access: a clinician asks (nothing is granted), the patient the request names approves
/// (a time-boxed consent is granted through <see cref="ConsentCommands"/>: signed event, ledger receipt, all in one
/// transaction with the request's new state) or declines. The rules live in <see cref="AccessRequest"/>.
/// </summary>
public sealed class AccessRequestCommands(ConsentDbContext db, ConsentCommands consents, IOptions<AccessRequestOptions> options, TimeProvider time)
{
    public async Task<AccessRequest> RequestAsync(
        string patient, string clinician, IEnumerable<string> categories, IEnumerable<string> purposes, TimeSpan duration, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var result = AccessRequest.Create(Guid.NewGuid(), patient, clinician, categories, purposes, duration, now, options.Value.Lifetime);
        var request = result.IsSuccess ? result.Value : throw ConsentProblems.From(result.Error);
        var pending = AccessRequestStatus.Pending.ToCode();
        var nowMs = now.ToUnixTimeMilliseconds();
        // Unanswered requests are capped per clinician, not per patient: asking the same patient again (other
        // categories, a longer window) is legitimate, and the patient sees and answers each.
        var open = await db.AccessRequests.CountAsync(r => r.Clinician == clinician && r.Status == pending && r.ExpiresAtMs > nowMs, cancellationToken);
        if (open >= options.Value.MaxPendingPerClinician)
        {
            throw ProblemException.TooManyRequests(
                $"You have {open} requests waiting for patients' answers; wait for some to be answered or to expire.", "too_many_pending_requests", TimeSpan.FromMinutes(5));
        }
        db.AccessRequests.Add(AccessRequestRow.From(request));
        await db.SaveChangesAsync(cancellationToken);
        return request;
    }

    /// <summary>The patient's yes: the request is approved and its consent granted in one transaction.</summary>
    public async Task<(AccessRequest Request, PatientConsent Consent)> ApproveAsync(Guid id, string patient, CancellationToken cancellationToken)
    {
        var row = await FindForPatientAsync(id, patient, cancellationToken);
        var result = row.ToRequest().Approve(Guid.NewGuid(), time.GetUtcNow());
        var approval = result.IsSuccess ? result.Value : throw ConsentProblems.From(result.Error);
        row.CopyFrom(approval.Request);
        // The request's status is its concurrency token: a second approval racing this one fails in GrantAsync's save.
        var consent = await consents.GrantAsync(approval.Grant, new ChangeAuthor(patient, $"access request {id}"), cancellationToken);
        return (approval.Request, consent);
    }

    public async Task<AccessRequest> DeclineAsync(Guid id, string patient, CancellationToken cancellationToken)
    {
        var row = await FindForPatientAsync(id, patient, cancellationToken);
        var result = row.ToRequest().Decline(time.GetUtcNow());
        var declined = result.IsSuccess ? result.Value : throw ConsentProblems.From(result.Error);
        row.CopyFrom(declined);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw ProblemException.Conflict("The request was answered at the same time; reload it.", "concurrent_change");
        }
        return declined;
    }

    /// <summary>Only the patient a request names may answer it; to anyone else it looks exactly like a missing one.</summary>
    private async Task<AccessRequestRow> FindForPatientAsync(Guid id, string patient, CancellationToken cancellationToken) =>
        await db.AccessRequests.FirstOrDefaultAsync(r => r.Id == id && r.Patient == patient, cancellationToken)
        ?? throw ProblemException.NotFound($"No access request {id}.");
}
