using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Platform.Identity.Kyc;
using Platform.Identity.Vci;

namespace Platform.Identity.Verification;

/// <summary>
/// Registers KYC: the check runner with the sanctions list (<c>Kyc:SanctionsListPath</c>, default the shipped
/// sample) and the fingerprint key (<c>Kyc:FingerprintKey</c>), the evidence cipher, the case service. KYC is on
/// when the fingerprint key is configured (a Secret in deployments; the dev host sets a development key).
/// </summary>
public static class KycSetup
{
    /// <summary>The reviewer console: signed in on this site with a second factor, in the kyc-reviewer role.</summary>
    public const string ReviewerPagesPolicy = "kyc-reviewer-pages";

    public static bool IsEnabled(IConfiguration configuration) => !string.IsNullOrEmpty(configuration["Kyc:FingerprintKey"]);

    public static WebApplicationBuilder AddKyc(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthorization(o => o.AddPolicy(ReviewerPagesPolicy, policy => policy
            .AddAuthenticationSchemes(Microsoft.AspNetCore.Identity.IdentityConstants.ApplicationScheme)
            .RequireAuthenticatedUser()
            .RequireRole(Accounts.PlatformRoles.KycReviewer)
            .RequireClaim("amr", "mfa")));
        if (!IsEnabled(builder.Configuration))
        {
            return builder;
        }
        var section = builder.Configuration.GetSection("Kyc");
        builder.Services.AddOptions<KycOptions>().Bind(section).ValidateOnStart();
        var options = section.Get<KycOptions>() ?? new KycOptions();
        var listPath = options.SanctionsListPath ?? Path.Combine(AppContext.BaseDirectory, "SampleData", "sanctions-sample.jsonl");
        var list = SanctionsListFile.Load(listPath);
        if (!list.IsSuccess)
        {
            throw new InvalidOperationException($"The sanctions list {listPath} is not valid: {string.Join("; ", list.Errors.Take(3))}");
        }
        var fingerprinter = new IdentityFingerprinter(Convert.FromBase64String(options.FingerprintKey!));
        builder.Services.AddSingleton(sp => new KycCheckRunner(
            new KycCheckOptions { MinimumAge = options.MinimumAge, AcceptSpecimenDocuments = options.AcceptSpecimenDocuments },
            list.List!, fingerprinter, sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<EvidenceCipher>();
        builder.Services.AddSingleton<LegacyEvidenceResealer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LegacyEvidenceResealer>());
        builder.Services.AddScoped<KycService>();
        builder.Services.AddScoped<VerifiedIdentityIssuance>();
        builder.Services.AddAuthorization(KycEndpoints.AddPolicies);
        builder.AddOpenId4Vci();
        return builder;
    }

    public static WebApplication MapKycIfEnabled(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (IsEnabled(app.Configuration))
        {
            app.MapKycEndpoints();
            app.MapCredentialEndpoints();
            app.MapOpenId4VciEndpoints();
        }
        return app;
    }
}
