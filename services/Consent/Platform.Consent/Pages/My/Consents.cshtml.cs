using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Platform.Consent.Api;
using Platform.Consent.Consents;
using Platform.Consent.Core;
using Platform.Consent.Data;
using Platform.Consent.Text;
using Platform.ServiceDefaults;

namespace Platform.Consent.Pages.My;

/// <summary>
/// The signed-in patient's consents: list, grant, narrow, revoke — the same commands as the API. A change that worked
/// answers with a redirect to the page (Post/Redirect/Get), its message carried in TempData to the banner, so that
/// reloading the page does not send the form again; a refused one answers in place, with its status and the form.
/// </summary>
public sealed class ConsentsModel(ConsentDbContext db, ConsentCommands commands, IStringLocalizer<ConsentPagesText> text) : PageModel
{
    public List<PatientConsent> Consents { get; } = [];

    /// <summary>What admins did on the patient's behalf (finding 8 of issue 17: the patient is told).</summary>
    public IReadOnlyList<NoticeView> Notices { get; private set; } = [];

    /// <summary>Ids of the consents admins granted on the patient's behalf.</summary>
    public HashSet<Guid> GrantedOnBehalf { get; } = [];

    /// <summary>What the last change did, shown once on the page the change redirected to.</summary>
    [TempData]
    public string? Message { get; set; }

    public string? Error { get; private set; }

    private string Patient => User.FindFirstValue("sub") ?? throw new InvalidOperationException("The session has no subject.");

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public Task<IActionResult> OnPostGrantAsync(string? granteeKind, string? granteeId, string[] categories, string[] purposes, string[] actions, DateTime? validUntil, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            if (!GranteeKindCodes.TryParse(granteeKind, out var kind))
            {
                throw ProblemException.Unprocessable(text["ErrorChooseGrantee"], "malformed_grantee");
            }
            DateTimeOffset? until = validUntil is { } at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null;
            // Nothing ticked means read-only, the least a grant can give.
            await commands.GrantAsync(Patient, new Grantee(kind.Value, granteeId ?? ""), categories, purposes, null, until, new ChangeAuthor(Patient), cancellationToken,
                actions.Length == 0 ? null : actions);
            return text["MessageGranted"];
        }, cancellationToken);

    public Task<IActionResult> OnPostNarrowAsync(Guid id, string[] keep, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            await commands.NarrowAsync(id, keep, null, null, null, null, new ChangeAuthor(Patient), c => c.SubjectPseudonym == Patient, cancellationToken);
            return text["MessageNarrowed"];
        }, cancellationToken);

    public Task<IActionResult> OnPostRevokeAsync(Guid id, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            await commands.RevokeAsync(id, null, new ChangeAuthor(Patient), c => c.SubjectPseudonym == Patient, cancellationToken);
            return text["MessageRevoked"];
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
        var rows = await db.Consents.AsNoTracking().Where(c => c.Subject == Patient).OrderBy(c => c.CreatedAtMs).ToListAsync(cancellationToken);
        Consents.AddRange(rows.Select(r => r.ToConsent()));
        Notices = await PatientNotices.ForAsync(db, Patient, cancellationToken);
        GrantedOnBehalf.UnionWith((await PatientNotices.OnBehalfAsync(db, [.. rows.Select(r => r.Id)], cancellationToken)).Keys);
    }
}
