using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Platform.ClinicianPortal.Apis;
using Platform.ClinicianPortal.Text;

namespace Platform.ClinicianPortal.Pages;

/// <summary>
/// Emergency access (break-glass) to one record without consent: a reason and an explicit acknowledgement are required
/// before the portal asks the vault, which decides with the consent service (emergency treatment, a small budget per
/// clinician), audits the read to the ledger, keeps the reason (encrypted) with the access-log entry and tells the patient.
/// </summary>
public sealed class BreakGlassModel(ClinicianApis apis, IStringLocalizer<PortalText> text) : PageModel
{
    public const int MinReasonLength = 10;

    /// <summary>The vault's bound on the reason it keeps (X-Break-Glass-Reason).</summary>
    public const int MaxReasonLength = 500;

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
            return Refuse(text["BreakGlassNeedRecord"]);
        }
        if (string.IsNullOrWhiteSpace(Reason) || Reason.Trim().Length < MinReasonLength)
        {
            return Refuse(text["BreakGlassNeedReason", MinReasonLength]);
        }
        if (Reason.Trim().Length > MaxReasonLength)
        {
            return Refuse(text["BreakGlassReasonTooLong", MaxReasonLength]);
        }
        if (!Acknowledged)
        {
            return Refuse(text["BreakGlassNeedAcknowledge"]);
        }
        var read = await apis.ReadAsync(record, Reason.Trim(), cancellationToken);
        if (read.Ok)
        {
            Record = read.Value;
            return Page();
        }
        Response.StatusCode = (int)read.Status;
        Error = read.Code switch
        {
            "break_glass_rate_limited" => text["BreakGlassBudget"],
            _ => text["BreakGlassRefused", read.Refusal ?? ""],
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
