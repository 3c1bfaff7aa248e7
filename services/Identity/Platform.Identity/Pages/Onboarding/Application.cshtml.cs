using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Platform.Identity.Accounts;
using Platform.Identity.Kyc;
using Platform.Identity.Text;
using Platform.Identity.Verification;
using Platform.ServiceDefaults;

namespace Platform.Identity.Pages.Onboarding;

/// <summary>
/// /kyc/application: personal details, document details with the machine-readable zone, and the two photos, sent
/// as one form to <see cref="KycService.SubmitAsync"/> (the same rules as <c>POST /kyc/cases/{id}/evidence</c>).
/// Offered for a case not yet submitted, or rejected with resubmission allowed; otherwise the status page.
/// </summary>
[RequestSizeLimit(MaxBodyBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = MaxBodyBytes)]
public sealed class ApplicationModel(UserManager<PlatformUser> users, IStringLocalizer<IdentityText> text) : ApplicantPage(users, text)
{
    // Two images of at most Kyc:MaxImageBytes (5 MiB by default) and the form: the API's limit.
    private const long MaxBodyBytes = 16 * 1024 * 1024;

    [BindProperty] public string? GivenNames { get; set; }
    [BindProperty] public string? FamilyName { get; set; }
    [BindProperty] public string? BirthDate { get; set; }
    [BindProperty] public string? Nationality { get; set; }
    [BindProperty] public string? DocumentNumber { get; set; }
    [BindProperty] public string? IssuingCountry { get; set; }
    [BindProperty] public string? Mrz { get; set; }
    [BindProperty] public IFormFile? DocumentImage { get; set; }
    [BindProperty] public IFormFile? Selfie { get; set; }

    /// <summary>Version the form was shown at: a submission over a case changed meanwhile is refused (409).</summary>
    [BindProperty] public int? Version { get; set; }

    public string? Error { get; private set; }

    public bool Resubmission { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var kycCase = await Kyc.LatestForOwnerAsync(OwnerId, cancellationToken);
        if (kycCase is null)
        {
            return RedirectToPage("Start");
        }
        if (!CanSubmit(kycCase))
        {
            return RedirectToPage("Status");
        }
        Version = kycCase.Version;
        Resubmission = kycCase.State == KycCaseState.Rejected;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var kycCase = await Kyc.LatestForOwnerAsync(OwnerId, cancellationToken);
        if (kycCase is null || !CanSubmit(kycCase))
        {
            return RedirectToPage(kycCase is null ? "Start" : "Status");
        }
        Resubmission = kycCase.State == KycCaseState.Rejected;
        try
        {
            var (documentImage, documentType) = await ReadImageAsync(DocumentImage, cancellationToken);
            var (selfie, selfieType) = await ReadImageAsync(Selfie, cancellationToken);
            await Kyc.SubmitAsync(kycCase.Id, OwnerId, new KycSubmission(null, Version ?? kycCase.Version, GivenNames, FamilyName, BirthDate,
                Nationality, DocumentNumber, string.IsNullOrWhiteSpace(IssuingCountry) ? null : IssuingCountry, Mrz,
                documentImage, documentType, selfie, selfieType), cancellationToken);
        }
        catch (ProblemException problem)
        {
            // The same refusal the API gives, said on the form; nothing of a refused submission is stored.
            Error = PageProblems.Say(Text, problem);
            Response.StatusCode = problem.StatusCode;
            Version = kycCase.Version;
            return Page();
        }
        return RedirectToPage("Status");
    }

    private static bool CanSubmit(KycCase kycCase) =>
        kycCase.State == KycCaseState.Registered || kycCase is { State: KycCaseState.Rejected, Rejection.ResubmissionAllowed: true };

    /// <summary>An uploaded photo as the API takes it (base64 and its type); the service checks type and size.</summary>
    private static async Task<(string? Base64, string? ContentType)> ReadImageAsync(IFormFile? file, CancellationToken cancellationToken)
    {
        if (file is null || file.Length == 0)
        {
            return (null, null);
        }
        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, cancellationToken);
        return (Convert.ToBase64String(buffer.ToArray()), file.ContentType);
    }
}
