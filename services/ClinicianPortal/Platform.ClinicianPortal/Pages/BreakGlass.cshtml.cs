using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Platform.ClinicianPortal.Apis;

namespace Platform.ClinicianPortal.Pages;

/// <summary>
/// Emergency access (break-glass) to one record without consent: a reason and an explicit acknowledgement are required
/// before the portal asks the vault, which decides with the consent service (emergency treatment, a small budget per
/// clinician), audits the read to the ledger and tells the patient.
/// </summary>
public sealed class BreakGlassModel(ClinicianApis apis) : PageModel
{
    public const int MinReasonLength = 10;

    [BindProperty(SupportsGet = true)]
    public string? Patient { get; set; }

    [BindProperty]
    public Guid? RecordId { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    [BindProperty]
    public bool Acknowledged { get; set; }

    public RecordContent? Record { get; private set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (RecordId is not { } record)
        {
            return Refuse("Give the id of the record you need.");
        }
        if (string.IsNullOrWhiteSpace(Reason) || Reason.Trim().Length < MinReasonLength)
        {
            return Refuse($"Say why this is an emergency (at least {MinReasonLength} characters).");
        }
        if (!Acknowledged)
        {
            return Refuse("Confirm that you understand this emergency access is recorded and reviewed.");
        }
        var read = await apis.ReadAsync(record, breakGlass: true, cancellationToken);
        if (read.Ok)
        {
            Record = read.Value;
            return Page();
        }
        Response.StatusCode = (int)read.Status;
        Error = read.Code switch
        {
            "break_glass_rate_limited" => "Emergency access refused: you have used your emergency accesses for now. Contact the duty information governance lead.",
            _ => "Emergency access refused: " + read.Refusal,
        };
        return Page();
    }

    private PageResult Refuse(string message)
    {
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        Error = message;
        return Page();
    }
}
