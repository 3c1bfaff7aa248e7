using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Platform.Identity.Accounts;
using Platform.ServiceDefaults;

namespace Platform.Identity.Pages.Account;

[EnableRateLimiting(RateLimitPolicies.Sensitive)]
public sealed class ConfirmEmailModel(AccountEmails emails) : PageModel
{
    public bool Confirmed { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? userId, string? code)
    {
        Confirmed = userId is not null && code is not null && await emails.ConfirmAsync(userId, code);
        if (!Confirmed)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        return Page();
    }
}
