using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Platform.ClinicianPortal.Apis;

namespace Platform.ClinicianPortal.Pages;

/// <summary>Ask a patient for access: categories, purposes and how long, once they approve it in their portal.</summary>
public sealed class RequestAccessModel(ClinicianApis apis) : PageModel
{
    /// <summary>The lengths offered: a consultation, a day, an episode of care.</summary>
    public static readonly IReadOnlyList<(int Minutes, string Label)> Durations =
        [(60, "1 hour (a consultation)"), (240, "4 hours"), (1440, "1 day"), (10080, "7 days")];

    [BindProperty(SupportsGet = true)]
    public string? Patient { get; set; }

    public string? Message { get; private set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(string[] categories, string[] purposes, int? durationMinutes, CancellationToken cancellationToken)
    {
        var answer = await apis.RequestAccessAsync(Patient?.Trim() ?? "", categories, purposes, durationMinutes ?? 0, cancellationToken);
        if (answer.Ok)
        {
            Message = $"Request sent. Patient {answer.Value!.Patient} can approve it in their portal until {answer.Value.ExpiresAt:u}.";
        }
        else
        {
            Response.StatusCode = (int)answer.Status;
            Error = answer.Refusal;
        }
        return Page();
    }
}
