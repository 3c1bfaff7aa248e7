using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Consent.Data;
using Platform.Contracts.Events;
using Platform.Identity.Accounts;
using Platform.Identity.Testing;
using Platform.Messaging;
using Platform.Testing;

namespace Platform.RecordVault.Service.Tests.Research;

/// <summary>The steps the research tests share: a verified researcher, their verified organisation, a study, a finished export.</summary>
public sealed class ResearchSetup(VaultPlatform platform)
{
    public const string ResearchScopes = "openid consent.manage research.export";

    /// <summary>A person with a second factor whose KYC the identity service approved (as the consent service learns it), and their research token.</summary>
    public async Task<(TestAccount Account, string Token)> ResearcherAsync()
    {
        var account = await TestAccounts.CreateAsync(platform.Identity.Service.Services, PlatformRoles.Patient, enrolTotp: true);
        await platform.Broker.PublishAsync(EventSerializer.ToOutgoing(new IdentityVerifiedV1(account.Id, Guid.NewGuid(), "approved", "substantial") { Source = "identity" }));
        await Eventually.TrueAsync(async () =>
        {
            using var scope = platform.Consent.Services.CreateScope();
            return await scope.ServiceProvider.GetRequiredService<ConsentDbContext>().VerifiedPeople.AnyAsync(p => p.Subject == account.Id);
        }, "the consent service knows the verified person");
        using var session = new FormSession(platform.Identity.BaseAddress);
        var token = (await new CodeFlow(session).SignInThroughPortalAsync(account, ResearchScopes)).GetProperty("access_token").GetString()!;
        return (account, token);
    }

    public async Task<string> OrganisationAsync(string representative, string reviewer)
    {
        var (status, body, _) = await platform.SendConsentAsync(HttpMethod.Post, "/research/organisations", representative, new
        {
            legalName = "Institute of Synthetic Cohorts Ltd", registrationNumber = "HRB 12345/B", country = "DE", registeredAddress = "Musterstraße 1\n10115 Berlin",
        });
        Assert.Equal(HttpStatusCode.Created, status);
        var id = body.GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await platform.SendConsentAsync(HttpMethod.Post, $"/research/organisations/{id}/verify", reviewer, new { })).Status);
        return id;
    }

    /// <param name="compensation">The study's compensation (<c>{basis, amountMinor, currency}</c>), none when null.</param>
    public async Task<string> StudyAsync(string organisation, string representative, string[] categories, object? compensation = null)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var (status, body, _) = await platform.SendConsentAsync(HttpMethod.Post, $"/research/organisations/{organisation}/studies", representative, new
        {
            title = "Blood pressure after 60",
            protocolSummary = "We compare blood pressure readings of people over 60 across regions.",
            ethicsApprovalReference = "EK-2026-042",
            categories,
            deidentificationLevel = "safe-harbor",
            startsOn = today.ToString("yyyy-MM-dd"),
            endsOn = today.AddYears(1).ToString("yyyy-MM-dd"),
            compensation,
        });
        Assert.Equal(HttpStatusCode.Created, status);
        return body.GetProperty("id").GetString()!;
    }

    public async Task<JsonElement> CompletedAsync(string statusUrl, string token)
    {
        JsonElement body = default;
        await Eventually.TrueAsync(async () =>
        {
            HttpStatusCode code;
            (code, body, _) = await platform.VaultAsync(HttpMethod.Get, statusUrl, token);
            Assert.True(code is HttpStatusCode.OK or HttpStatusCode.Accepted, $"status {code}: {body}");
            return code == HttpStatusCode.OK;
        }, "the export completes", TimeSpan.FromSeconds(60));
        return body;
    }

}
