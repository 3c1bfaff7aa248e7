using Microsoft.AspNetCore.Mvc.RazorPages;
using Platform.ClinicianPortal.Apis;

namespace Platform.ClinicianPortal.Pages;

/// <summary>My own access history: every read (and refusal) the vault audited for the signed-in clinician, newest first.</summary>
public sealed class HistoryModel(ClinicianApis apis) : PageModel
{
    public IReadOnlyList<MyAccess> Accesses { get; private set; } = [];

    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var answer = await apis.MyAccessesAsync(cancellationToken);
        Accesses = answer.Value ?? [];
        Error = answer.Ok ? null : answer.Refusal;
    }
}
