using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Platform.ClinicianPortal.Apis;
using Platform.ClinicianPortal.Text;
using Platform.Contracts.CodeLists;

namespace Platform.ClinicianPortal.Pages.Patients;

/// <summary>
/// A patient's chart as the clinician may see it: the records the vault lists for them (only the categories consent
/// permits), grouped by category, and every other category shown as withheld, without saying whether records exist in it.
/// </summary>
public sealed class ChartModel(ClinicianApis apis, IStringLocalizer<PortalText> text) : PageModel
{
    public string Patient { get; private set; } = "";

    public IReadOnlyList<IGrouping<string, RecordSummary>> Permitted { get; private set; } = [];

    /// <summary>Categories the clinician's consents from this patient cover, whether or not a record exists in them.</summary>
    public IReadOnlySet<string> Covered { get; private set; } = new HashSet<string>();

    public IReadOnlyList<RecordCategory> Withheld { get; private set; } = [];

    public DateTimeOffset? Until { get; private set; }

    public string? Error { get; private set; }

    public async Task OnGetAsync(string patient, CancellationToken cancellationToken)
    {
        Patient = patient;
        var consents = await apis.MyConsentsAsync(cancellationToken);
        var mine = (consents.Value ?? []).Where(c => c.Subject == patient).ToList();
        Covered = mine.SelectMany(c => c.Categories).ToHashSet(StringComparer.Ordinal);
        Until = mine.Count == 0 ? null : mine.Max(c => c.ValidUntil ?? DateTimeOffset.MaxValue);
        Withheld = [.. RecordCategories.All.Where(c => !Covered.Contains(c.Code))];
        if (mine.Count == 0)
        {
            Error = text["ChartNoAccess"];
            return;
        }
        var records = await apis.RecordsAsync(patient, cancellationToken);
        if (!records.Ok)
        {
            Error = records.Refusal;
            return;
        }
        Permitted = [.. records.Value!.Where(r => !r.Erased).GroupBy(r => r.Category, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)];
    }
}
