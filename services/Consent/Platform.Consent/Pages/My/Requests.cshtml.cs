using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Platform.Consent.Consents;
using Platform.Consent.Core;
using Platform.Consent.Data;
using Platform.Consent.Text;
using Platform.ServiceDefaults;
using Platform.WebUi.Text;

namespace Platform.Consent.Pages.My;

/// <summary>
/// Clinicians' requests for access to the signed-in patient's records: the pending ones to approve or decline (the same
/// commands as the API), and the answered ones below. An answer that worked redirects to the page (Post/Redirect/Get)
/// with its message in TempData, so a reload does not answer twice.
/// </summary>
public sealed class RequestsModel(ConsentDbContext db, AccessRequestCommands commands, TimeProvider time, IStringLocalizer<ConsentPagesText> text) : PageModel
{
    public List<AccessRequest> Pending { get; } = [];

    public List<AccessRequest> Answered { get; } = [];

    public DateTimeOffset Now { get; private set; }

    /// <summary>What the last answer did, shown once on the page the answer redirected to.</summary>
    [TempData]
    public string? Message { get; set; }

    public string? Error { get; private set; }

    private string Patient => User.FindFirstValue("sub") ?? throw new InvalidOperationException("The session has no subject.");

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public Task<IActionResult> OnPostApproveAsync(Guid id, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            var (request, consent) = await commands.ApproveAsync(id, Patient, cancellationToken);
            return text["MessageApproved", request.Clinician, $"{consent.ValidUntil:u}"];
        }, cancellationToken);

    public Task<IActionResult> OnPostDeclineAsync(Guid id, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            var request = await commands.DeclineAsync(id, Patient, cancellationToken);
            return text["MessageDeclined", request.Clinician];
        }, cancellationToken);

    private async Task<IActionResult> RunAsync(Func<Task<string>> action, CancellationToken cancellationToken)
    {
        try
        {
            Message = await action();
            return RedirectToPage();
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

    /// <summary>"60 minutes", "2 hours", "1 day": the window as a patient reads it, in the count's plural form.</summary>
    public string Describe(TimeSpan duration) => duration switch
    {
        { TotalDays: >= 1 } when duration.TotalDays % 1 == 0 => Counted("Days", (long)duration.TotalDays),
        { TotalHours: >= 1 } when duration.TotalHours % 1 == 0 => Counted("Hours", (long)duration.TotalHours),
        _ => Counted("Minutes", (long)Math.Round(duration.TotalMinutes)),
    };

    // DaysOne/DaysOther, HoursOne/HoursOther, MinutesOne/MinutesOther.
    private string Counted(string unit, long count) => text[PluralForms.Key(unit, count), count];
}
