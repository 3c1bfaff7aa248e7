using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Platform.Consent.Core;
using Platform.Consent.Data;
using Platform.Consent.Research;
using Platform.ServiceDefaults;

namespace Platform.Consent.Pages.My;

/// <summary>
/// The research studies the signed-in patient may join: each study's terms as its organisation declared them, and a
/// button to take part or to stop (the same commands as the API: an opt-in is a signed research consent on the ledger).
/// </summary>
public sealed class ResearchModel(ConsentDbContext db, ResearchOptInCommands optIns, TimeProvider time) : PageModel
{
    public List<(ResearchStudy Study, string OrganisationName, string OrganisationCountry, Guid? OptInConsentId)> Studies { get; } = [];

    public string? Message { get; private set; }

    public string? Error { get; private set; }

    private string Patient => User.FindFirstValue("sub") ?? throw new InvalidOperationException("The session has no subject.");

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public Task<IActionResult> OnPostOptInAsync(Guid id, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            await optIns.OptInAsync(id, Patient, cancellationToken);
            return "You are taking part. You can stop at any time.";
        }, cancellationToken);

    public Task<IActionResult> OnPostOptOutAsync(Guid id, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            await optIns.OptOutAsync(id, Patient, cancellationToken);
            return "You have stopped taking part. No later export will include your records.";
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
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var verified = ResearchOrganisationRow.StatusCode(OrganisationStatus.Verified);
        var open = await (from s in db.ResearchStudies.AsNoTracking()
                          join o in db.ResearchOrganisations.AsNoTracking() on s.OrganisationId equals o.Id
                          where o.Status == verified && s.EndsOn >= today
                          orderby s.DeclaredAtMs
                          select new { Study = s, o.LegalName, o.Country }).Take(200).ToListAsync(cancellationToken);
        foreach (var item in open)
        {
            var optIn = await optIns.CurrentOptInAsync(item.Study.Id, Patient, cancellationToken);
            Studies.Add((item.Study.ToStudy(), item.LegalName, item.Country, optIn?.Id));
        }
    }

    /// <summary>"5.00 EUR per export": the compensation as a patient reads it (minor units shown with two decimals).</summary>
    public static string Describe(StudyCompensation compensation)
    {
        ArgumentNullException.ThrowIfNull(compensation);
        var amount = (compensation.AmountMinor / 100m).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
        return $"{amount} {compensation.Currency} {(compensation.Basis == CompensationBasis.PerExport ? "each time your records are exported" : "once for taking part")}";
    }
}
