using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Platform.Consent.Consents;
using Platform.Consent.Core;
using Platform.Consent.Data;
using Platform.ServiceDefaults;

namespace Platform.Consent.Pages.My;

/// <summary>
/// Clinicians' requests for access to the signed-in patient's records: the pending ones to approve or decline (the same
/// commands as the API), and the answered ones below.
/// </summary>
public sealed class RequestsModel(ConsentDbContext db, AccessRequestCommands commands, TimeProvider time) : PageModel
{
    public List<AccessRequest> Pending { get; } = [];

    public List<AccessRequest> Answered { get; } = [];

    public DateTimeOffset Now { get; private set; }

    public string? Message { get; private set; }

    public string? Error { get; private set; }

    private string Patient => User.FindFirstValue("sub") ?? throw new InvalidOperationException("The session has no subject.");

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public Task<IActionResult> OnPostApproveAsync(Guid id, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            var (request, consent) = await commands.ApproveAsync(id, Patient, cancellationToken);
            return $"Access given to clinician {request.Clinician} until {consent.ValidUntil:u}.";
        }, cancellationToken);

    public Task<IActionResult> OnPostDeclineAsync(Guid id, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            var request = await commands.DeclineAsync(id, Patient, cancellationToken);
            return $"Request from clinician {request.Clinician} declined. Nothing was shared.";
        }, cancellationToken);

    private async Task<IActionResult> RunAsync(Func<Task<string>> action, CancellationToken cancellationToken)
    {
        try
        {
            Message = await action();
        }
        catch (ProblemException problem)
        {
            Error = problem.Message;
            Response.StatusCode = problem.StatusCode;
        }
        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Now = time.GetUtcNow();
        var rows = await db.AccessRequests.AsNoTracking().Where(r => r.Patient == Patient)
            .OrderByDescending(r => r.RequestedAtMs).Take(200).ToListAsync(cancellationToken);
        foreach (var request in rows.Select(r => r.ToRequest()))
        {
            (request.StatusAt(Now) == AccessRequestStatus.Pending ? Pending : Answered).Add(request);
        }
    }

    /// <summary>"60 minutes", "2 hours", "3 days": the window as a patient reads it.</summary>
    public static string Describe(TimeSpan duration) => duration switch
    {
        { TotalDays: >= 1 } when duration.TotalDays % 1 == 0 => $"{duration.TotalDays:0} day{(duration.TotalDays == 1 ? "" : "s")}",
        { TotalHours: >= 1 } when duration.TotalHours % 1 == 0 => $"{duration.TotalHours:0} hour{(duration.TotalHours == 1 ? "" : "s")}",
        _ => $"{duration.TotalMinutes:0} minute{(duration.TotalMinutes == 1 ? "" : "s")}",
    };
}
