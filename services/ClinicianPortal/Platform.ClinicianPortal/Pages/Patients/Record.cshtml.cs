using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Platform.ClinicianPortal.Apis;
using Platform.ClinicianPortal.Text;

namespace Platform.ClinicianPortal.Pages.Patients;

/// <summary>One record, read through the vault for treatment (the read is decided by consent and audited).</summary>
public sealed class RecordModel(ClinicianApis apis, IStringLocalizer<PortalText> text) : PageModel
{
    public string Patient { get; private set; } = "";

    public RecordContent? Record { get; private set; }

    public string? Error { get; private set; }

    public async Task OnGetAsync(string patient, Guid id, CancellationToken cancellationToken)
    {
        Patient = patient;
        var read = await apis.ReadAsync(id, emergencyReason: null, cancellationToken);
        if (read.Ok)
        {
            Record = read.Value;
            return;
        }
        Response.StatusCode = (int)read.Status;
        // The vault answers a clinician without a covering consent as if the record did not exist (404), so the two read alike here.
        Error = read.Status is System.Net.HttpStatusCode.Forbidden or System.Net.HttpStatusCode.NotFound
            ? text["RecordRefused"]
            : read.Refusal;
    }
}
