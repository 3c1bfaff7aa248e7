using Microsoft.AspNetCore.Mvc.RazorPages;
using Platform.ClinicianPortal.Apis;

namespace Platform.ClinicianPortal.Pages;

/// <summary>My patients: those whose consents cover the clinician now, and the clinician's requests for access.</summary>
public sealed class IndexModel(ClinicianApis apis) : PageModel
{
    public IReadOnlyList<IGrouping<string, GrantedConsent>> Patients { get; private set; } = [];

    public IReadOnlyList<AccessRequestSummary> Requests { get; private set; } = [];

    public string? Error { get; private set; }

    /// <summary>The clinician's pseudonymous id (the ID token's <c>sub</c>): what a patient names when giving access.</summary>
    public string ClinicianId => User.FindFirst("sub")?.Value ?? "";

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var consents = await apis.MyConsentsAsync(cancellationToken);
        var requests = await apis.MyRequestsAsync(cancellationToken);
        Error = consents.Ok ? requests.Refusal : consents.Refusal;
        Patients = [.. (consents.Value ?? []).GroupBy(c => c.Subject, StringComparer.Ordinal)];
        Requests = requests.Value ?? [];
    }
}
