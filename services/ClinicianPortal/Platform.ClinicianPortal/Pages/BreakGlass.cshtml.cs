using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Platform.ClinicianPortal.Apis;
using Platform.ClinicianPortal.BreakGlass;
using Platform.ClinicianPortal.Text;
using Platform.WebUi;

namespace Platform.ClinicianPortal.Pages;

/// <summary>
/// Emergency access (break-glass) to one record without consent: a reason and an explicit acknowledgement are required
/// before the portal asks the vault, which decides with the consent service (emergency treatment, a small budget per
/// clinician), audits the read to the ledger, keeps the reason (encrypted) with the access-log entry and tells the patient.
/// </summary>
/// <remarks>
/// A read that worked answers 303 to <c>/break-glass?read=…</c>, which shows the record from <see cref="EmergencyReadResults"/>:
/// reloading it neither reads nor audits again, nor tells the patient twice, nor spends the clinician's budget again.
/// </remarks>
public sealed class BreakGlassModel(ClinicianApis apis, EmergencyReadResults results, IStringLocalizer<PortalText> text) : PageModel
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

    /// <summary>The emergency read this page shows, by the key the form's redirect named.</summary>
    [BindProperty(SupportsGet = true, Name = "read")]
    public string? Read { get; set; }

    public async Task OnGetAsync()
    {
        if (Read is null)
        {
            return;
        }
        Record = await results.FindAsync(Clinician, Read);
        if (Record is null)
        {
            // Expired (or not this clinician's): reading again is a new emergency access, so it takes the form again.
            Response.StatusCode = StatusCodes.Status404NotFound;
            Error = text["BreakGlassResultGone", (int)EmergencyReadResults.Lifetime.TotalMinutes];
        }
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
            var key = await results.KeepAsync(Clinician, read.Value!);
            return new SeeOtherResult("/break-glass?read=" + key);
        }
        Response.StatusCode = (int)read.Status;
        Error = read.Code switch
        {
            "break_glass_rate_limited" => text["BreakGlassBudget"],
            _ => text["BreakGlassRefused", read.Refusal ?? ""],
        };
        return Page();
    }

    private string Clinician => User.FindFirst("sub")?.Value ?? throw new InvalidOperationException("A signed-in clinician has a subject.");

    private PageResult Refuse(string message)
    {
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        Error = message;
        return Page();
    }
}
