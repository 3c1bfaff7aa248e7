using Microsoft.AspNetCore.Mvc.RazorPages;
using Platform.ClinicianPortal.Apis;

namespace Platform.ClinicianPortal.Pages.Patients;

/// <summary>One record, read through the vault for treatment (the read is decided by consent and audited).</summary>
public sealed class RecordModel(ClinicianApis apis) : PageModel
{
    public string Patient { get; private set; } = "";

    public RecordContent? Record { get; private set; }

    public string? Error { get; private set; }

    public async Task OnGetAsync(string patient, Guid id, CancellationToken cancellationToken)
    {
        Patient = patient;
        var read = await apis.ReadAsync(id, breakGlass: false, cancellationToken);
        if (read.Ok)
        {
            Record = read.Value;
            return;
        }
        Response.StatusCode = (int)read.Status;
        Error = read.Status == System.Net.HttpStatusCode.Forbidden
            ? "You may not read this record: the patient has not given you access to it, or your access has ended. Ask them for access again."
            : read.Refusal;
    }
}
