using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Platform.ClinicianPortal.Apis;
using Platform.ClinicianPortal.Text;
using Platform.WebUi;
using Platform.WebUi.Text;

namespace Platform.ClinicianPortal.Pages;

/// <summary>Ask a patient for access: categories, purposes and how long, once they approve it in their portal.</summary>
public sealed class RequestAccessModel(ClinicianApis apis, IStringLocalizer<PortalText> text) : PageModel
{
    /// <summary>The lengths offered, in minutes: a consultation, a day, an episode of care (their words: PortalText Duration&lt;minutes&gt;).</summary>
    public static readonly IReadOnlyList<int> Durations = [60, 240, 1440, 10080];

    [BindProperty(SupportsGet = true)]
    public string? Patient { get; set; }

    /// <summary>Said once, on the page the request redirected to (Post/Redirect/Get: a reload does not send it again).</summary>
    [TempData]
    public string? Message { get; set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(string[] categories, string[] purposes, int? durationMinutes, CancellationToken cancellationToken)
    {
        var answer = await apis.RequestAccessAsync(Patient?.Trim() ?? "", categories, purposes, durationMinutes ?? 0, cancellationToken);
        if (answer.Ok)
        {
            Message = text["RequestSent", answer.Value!.Patient, PageDates.DayAndTime(answer.Value.ExpiresAt)];
            return new SeeOtherResult("/request-access");
        }
        // Refused: the form answers in place, with the service's status and reason, what was chosen kept.
        Response.StatusCode = (int)answer.Status;
        Error = answer.Refusal;
        return Page();
    }
}
