using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Consent.Data;
using Platform.Contracts.Events;
using Platform.Identity.Accounts;
using Platform.Identity.Testing;
using Platform.Messaging;
using Platform.Testing;

namespace Platform.Consent.Service.Tests.Research;

/// <summary>
/// The people of the research tests, made on the real identity provider: representatives (second factor, identity
/// verified through the identity.verified event the KYC service publishes), reviewers, and organisations in each state.
/// </summary>
public static class ResearchPeople
{
    public static readonly object Organisation = new
    {
        legalName = "Institute of Synthetic Cohorts Ltd",
        registrationNumber = "HRB 12345/B",
        country = "DE",
        registeredAddress = "Musterstraße 1\n10115 Berlin",
    };

    /// <param name="compensation">The study's compensation; 5.00 EUR per export when not given (none with <paramref name="withoutCompensation"/>).</param>
    public static object Study(string? title = "Blood pressure after 60", string[]? categories = null, object? compensation = null, bool withoutCompensation = false) => new
    {
        title,
        protocolSummary = "We compare blood pressure readings of people over 60 across regions.",
        ethicsApprovalReference = "EK-2026-042",
        categories = categories ?? ["observation", "condition"],
        deidentificationLevel = "safe-harbor",
        startsOn = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd"),
        endsOn = DateOnly.FromDateTime(DateTime.UtcNow).AddYears(1).ToString("yyyy-MM-dd"),
        compensation = withoutCompensation ? null : compensation ?? new { basis = "per-export", amountMinor = 500, currency = "EUR" },
    };

    /// <summary>A person signed in with a second factor; <paramref name="verified"/> also publishes their approved KYC and waits for the consent service to know it.</summary>
    public static async Task<(TestAccount Account, string Token)> PersonAsync(ConsentPlatform platform, bool verified)
    {
        var account = await TestAccounts.CreateAsync(platform.Identity.Service.Services, PlatformRoles.Patient, enrolTotp: true);
        if (verified)
        {
            await VerifyAsync(platform, account.Id);
        }
        return (account, await platform.UserTokenAsync(account));
    }

    public static async Task VerifyAsync(ConsentPlatform platform, string subject)
    {
        await platform.Broker.PublishAsync(EventSerializer.ToOutgoing(new IdentityVerifiedV1(subject, Guid.NewGuid(), "approved", "substantial") { Source = "identity" }));
        await Eventually.TrueAsync(() => IsVerifiedAsync(platform, subject), "the consent service knows the verified person");
    }

    public static async Task<bool> IsVerifiedAsync(ConsentPlatform platform, string subject)
    {
        using var scope = platform.Consent.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<ConsentDbContext>().VerifiedPeople.AnyAsync(p => p.Subject == subject);
    }

    public static async Task<string> ReviewerAsync(ConsentPlatform platform) =>
        await platform.UserTokenAsync(await TestAccounts.CreateAsync(platform.Identity.Service.Services, PlatformRoles.KycReviewer));

    /// <summary>A registered organisation of a fresh verified representative: (id, the representative's token).</summary>
    public static async Task<(string Id, string RepresentativeToken)> OrganisationAsync(ConsentPlatform platform, string? verifiedBy = null)
    {
        var (_, token) = await PersonAsync(platform, verified: true);
        var (status, body) = await platform.CallAsync(HttpMethod.Post, "/research/organisations", token, Organisation);
        Assert.Equal(System.Net.HttpStatusCode.Created, status);
        var id = body.GetProperty("id").GetString()!;
        if (verifiedBy is not null)
        {
            var (verifiedStatus, _) = await platform.CallAsync(HttpMethod.Post, $"/research/organisations/{id}/verify", verifiedBy, new { });
            Assert.Equal(System.Net.HttpStatusCode.OK, verifiedStatus);
        }
        return (id, token);
    }

    public static string Code(JsonElement problem) => problem.GetProperty("code").GetString()!;
}
