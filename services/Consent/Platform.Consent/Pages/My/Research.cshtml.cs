using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Platform.Consent.Core;
using Platform.Consent.Data;
using Platform.Consent.Research;
using Platform.Consent.Text;
using Platform.ServiceDefaults;

namespace Platform.Consent.Pages.My;

/// <summary>
/// The research studies the signed-in patient may join: each study's terms as its organisation declared them, and a
/// button to take part or to stop (the same commands as the API: an opt-in is a signed research consent on the ledger).
/// An answer that worked redirects to the page (Post/Redirect/Get) with its message in TempData, so a reload does not repeat it.
/// </summary>
public sealed class ResearchModel(ConsentDbContext db, ResearchOptInCommands optIns, TimeProvider time, IStringLocalizer<ConsentPagesText> text) : PageModel
{
    public List<(ResearchStudy Study, string OrganisationName, string OrganisationCountry, Guid? OptInConsentId)> Studies { get; } = [];

    /// <summary>The exports that released this patient's data, newest first: only their own opt-ins' rows, nothing of other participants.</summary>
    public List<IncludedExport> Exports { get; } = [];

    /// <summary>The patient's compensation credits, newest first: only their own opt-ins' rows.</summary>
    public List<ParticipantCredit> Credits { get; } = [];

    /// <summary>What the last answer did, shown once on the page the answer redirected to.</summary>
    [TempData]
    public string? Message { get; set; }

    public string? Error { get; private set; }

    private string Patient => User.FindFirstValue("sub") ?? throw new InvalidOperationException("The session has no subject.");

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public Task<IActionResult> OnPostOptInAsync(Guid id, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            await optIns.OptInAsync(id, Patient, cancellationToken);
            return text["ResearchMessageOptedIn"];
        }, cancellationToken);

    public Task<IActionResult> OnPostOptOutAsync(Guid id, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            await optIns.OptOutAsync(id, Patient, cancellationToken);
            return text["ResearchMessageOptedOut"];
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
        // Through the patient's own consents: an export is listed only where one of their opt-ins was in it.
        var patient = Patient;
        var included = await (from i in db.ResearchExportInclusions.AsNoTracking()
                              join c in db.Consents.AsNoTracking() on i.ConsentId equals c.Id
                              join s in db.ResearchStudies.AsNoTracking() on i.StudyId equals s.Id
                              join o in db.ResearchOrganisations.AsNoTracking() on s.OrganisationId equals o.Id
                              where c.Subject == patient
                              orderby i.ExportedAtMs descending
                              select new IncludedExport(i.ExportId, s.Title, o.LegalName, o.Country, i.ExportedAtMs, i.LeafIndex))
            .Take(200).ToListAsync(cancellationToken);
        Exports.AddRange(included);
        var credits = await (from r in db.ResearchCredits.AsNoTracking()
                             join c in db.Consents.AsNoTracking() on r.ConsentId equals c.Id
                             join s in db.ResearchStudies.AsNoTracking() on r.StudyId equals s.Id
                             where c.Subject == patient
                             orderby r.ExportedAtMs descending, r.CreditedAtMs descending
                             select new ParticipantCredit(r.Id, s.Title, r.AmountMinor, r.Currency, r.Basis, r.ExportedAtMs, r.LeafIndex))
            .Take(200).ToListAsync(cancellationToken);
        Credits.AddRange(credits);
    }

    /// <summary>"5.00 EUR each time your records are exported": the compensation as a patient reads it, in the page's language.</summary>
    public string Describe(StudyCompensation compensation)
    {
        ArgumentNullException.ThrowIfNull(compensation);
        var amount = MoneyText.Amount(compensation.AmountMinor, compensation.Currency);
        return text[compensation.Basis == CompensationBasis.PerExport ? "ResearchCompensationPerExport" : "ResearchCompensationPerParticipant", amount, compensation.Currency];
    }
}

/// <summary>One export that released the patient's data: which study and organisation, when, and its ledger entry.</summary>
public sealed record IncludedExport(Guid ExportId, string StudyTitle, string OrganisationName, string OrganisationCountry, long ExportedAtMs, long LeafIndex)
{
    public string ExportedOn => DateTimeOffset.FromUnixTimeMilliseconds(ExportedAtMs).UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>One compensation credit of the patient's: which study, how much, for which export, and whether the ledger committed it.</summary>
public sealed record ParticipantCredit(Guid CreditId, string StudyTitle, long AmountMinor, string Currency, string Basis, long ExportedAtMs, long? LeafIndex)
{
    public string ExportedOn => DateTimeOffset.FromUnixTimeMilliseconds(ExportedAtMs).UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>"5.00" (English), "5,00" (French): the amount in the page's language; the currency code goes beside it.</summary>
    public string Amount => MoneyText.Amount(AmountMinor, Currency);

    public bool PerExport => Basis == CompensationBasisCodes.PerExport;
}
