using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Platform.Identity.Accounts;
using Platform.Identity.Kyc;
using Platform.ServiceDefaults;

namespace Platform.Identity.Pages.Onboarding;

/// <summary>
/// /kyc/credential: the verified-identity SD-JWT VC for an approved applicant. The browser makes the holder key
/// (WebCrypto, P-256), saves it as the wallet's key file and sends only the signed holder proof; the answer is the
/// credential as a file, bound to that key. Issued by <see cref="VerifiedIdentityIssuance"/>, as by the API, and
/// rate-limited as the API is. Until OpenID4VCI exists there is no credential offer to scan: a download meanwhile.
/// </summary>
[EnableRateLimiting(RateLimitPolicies.Sensitive)]
public sealed class CredentialModel(UserManager<PlatformUser> users) : ApplicantPage(users)
{
    public const string FileName = "verified-identity.sd-jwt";

    public bool Verified { get; private set; }

    public string Issuer { get; private set; } = "";

    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(string? proof, CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        try
        {
            var credential = await HttpContext.RequestServices.GetRequiredService<VerifiedIdentityIssuance>().IssueAsync(Issuer, proof, OwnerId, cancellationToken);
            return File(Encoding.ASCII.GetBytes(credential), "application/dc+sd-jwt", FileName);
        }
        catch (ProblemException problem)
        {
            Error = problem.Message;
            Response.StatusCode = problem.StatusCode;
            return Page();
        }
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Issuer = CredentialEndpoints.Issuer(HttpContext);
        Verified = await Kyc.LatestVerifiedIdentityAsync(OwnerId, cancellationToken) is not null;
    }
}
