using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Platform.Identity.Accounts;
using Platform.Identity.Kyc;
using Platform.Identity.Text;
using Platform.Identity.Verification;
using Platform.ServiceDefaults;

namespace Platform.Identity.Pages.Onboarding;

/// <summary>
/// /kyc/credential: the verified-identity SD-JWT VC for an approved applicant. The browser makes the holder key
/// (WebCrypto, P-256), saves it as the wallet's key file and sends only the signed holder proof; the answer is the
/// credential as a file, bound to that key. Issued by <see cref="VerifiedIdentityIssuance"/>, as by the API, and
/// rate-limited as the API is. The proof carries a single-use c_nonce the page hands out. "Show a QR code for my
/// wallet" makes an OpenID4VCI credential offer (pre-authorized code by reference) and shows it as a QR code with its
/// six-digit transaction code, for a wallet on another device (or the wallet CLI's <c>receive</c>).
/// </summary>
[EnableRateLimiting(RateLimitPolicies.Sensitive)]
public sealed class CredentialModel(UserManager<PlatformUser> users, IStringLocalizer<IdentityText> text) : ApplicantPage(users, text)
{
    public const string FileName = "verified-identity.sd-jwt";

    /// <summary>The holder key's file name, as the page's script saves it and the wallet CLI's <c>key --out</c> writes it.</summary>
    public const string HolderKeyFileName = "holder.jwk";

    public bool Verified { get; private set; }

    public string Issuer { get; private set; } = "";

    public string? Error { get; private set; }

    /// <summary>The c_nonce the browser's proof must carry (single use, five minutes).</summary>
    public string Nonce { get; private set; } = "";

    /// <summary>After "Show a QR code": the offer URI (<c>openid-credential-offer://?credential_offer_uri=...</c>), its QR code and tx code.</summary>
    public string? OfferUri { get; private set; }

    public string? OfferQrSvg { get; private set; }

    public string? TxCode { get; private set; }

    public DateTimeOffset? OfferExpiresAt { get; private set; }

    /// <summary>The wallet CLI's commands that redeem the offer (commands, not words: the same in every language).</summary>
    public string OfferCommand => $"wallet key --out {HolderKeyFileName}\nwallet receive --offer '{OfferUri}' --tx-code {TxCode} --key {HolderKeyFileName} --out credential.txt";

    public async Task<IActionResult> OnPostOfferAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        try
        {
            var offer = await HttpContext.RequestServices.GetRequiredService<Vci.CredentialOffers>().CreateAsync(OwnerId, Issuer, cancellationToken);
            OfferUri = Vci.OpenId4VciEndpoints.OfferUri(HttpContext, offer.Id);
            OfferQrSvg = AuthenticatorQrCode.Svg(OfferUri);
            TxCode = offer.TxCode;
            OfferExpiresAt = offer.ExpiresAt;
        }
        catch (ProblemException problem)
        {
            Error = PageProblems.Say(Text, problem);
            Response.StatusCode = problem.StatusCode;
        }
        return Page();
    }

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
            Error = PageProblems.Say(Text, problem);
            Response.StatusCode = problem.StatusCode;
            return Page();
        }
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Issuer = CredentialEndpoints.Issuer(HttpContext);
        Verified = await Kyc.LatestVerifiedIdentityAsync(OwnerId, cancellationToken) is not null;
        if (Verified)
        {
            Nonce = await HttpContext.RequestServices.GetRequiredService<Vci.CredentialNonces>().IssueAsync(cancellationToken);
        }
    }
}
