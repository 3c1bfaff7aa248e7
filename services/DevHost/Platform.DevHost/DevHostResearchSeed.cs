using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Consent.Core;
using Platform.Consent.Data;
using Platform.Consent.Research;
using Platform.Contracts.CodeLists;
using Platform.Contracts.Events;
using Platform.Identity.Accounts;
using Platform.Identity.Data;
using Platform.Messaging.Outbox;
using Platform.RecordVault.Data;
using Platform.RecordVault.Records;

namespace Platform.DevHost;

/// <summary>
/// The dev host's research demo (docs/research.md#try-it-on-the-dev-host): a researcher account with a second factor,
/// whose identity the identity service announces as verified; their organisation, registered and then verified by the
/// demo reviewer; a study of it with compensation; and four synthetic participants (pseudonyms only, one observation
/// each, opted in) so that the demo patient's opt-in brings the cohort to k = 5 and an export releases it. Everything
/// goes through the services' own commands (accounts, the identity outbox, <see cref="ResearchCommands"/>,
/// <see cref="ResearchOptInCommands"/>, <see cref="RecordStore"/>); each step first looks for what an earlier start
/// made, so a restart seeds nothing twice. Only the dev host runs it: no image or chart contains this project.
/// </summary>
public static class DevHostResearchSeed
{
    /// <summary>The organisation's representative: a patient account (being a researcher is a relationship, not a role) with the demo TOTP secret.</summary>
    public static readonly DemoAccount Researcher = new("researcher@demo.local", "Riley Researcher", "demo-researcher-password", PlatformRoles.Patient, null, SecondFactor: true);

    public const string OrganisationName = "Demo Research Institute Ltd";
    public const string StudyTitle = "Resting heart rate in everyday life";

    /// <summary>With the demo patient, the cohort reaches the vault's default k of 5; without them an export releases nobody.</summary>
    public const int SyntheticParticipants = 4;

    private static readonly TimeSpan VerificationWait = TimeSpan.FromSeconds(60);

    /// <summary>Seeds what is missing and returns the study's id.</summary>
    public static async Task<Guid> RunAsync(DevHostRunner host, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        var (researcher, reviewer) = await AccountsAsync(host.ServicesOf("identity"), cancellationToken);
        await AnnounceVerifiedAsync(host, researcher, cancellationToken);
        var study = await StudyAsync(host.ServicesOf("consent"), researcher, reviewer, cancellationToken);
        for (var i = 1; i <= SyntheticParticipants; i++)
        {
            var participant = SyntheticParticipant(i);
            await ObservationAsync(host.ServicesOf("record-vault"), participant, i, cancellationToken);
            await OptInAsync(host.ServicesOf("consent"), study, participant, cancellationToken);
        }
        return study;
    }

    /// <summary>A fixed pseudonym per synthetic participant (32 hex, like an account's), so a restart finds the same people.</summary>
    public static string SyntheticParticipant(int index) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"dev host synthetic research participant {index}")))[..32];

    private static async Task<(string Researcher, string Reviewer)> AccountsAsync(IServiceProvider identity, CancellationToken cancellationToken)
    {
        await using var scope = identity.CreateAsyncScope();
        var researcher = await AccountSeeder.EnsureDemoAccountAsync(scope.ServiceProvider, Researcher, DateTimeOffset.UtcNow);
        var reviewerAccount = AccountSeeder.DemoAccounts.Single(a => a.Role == PlatformRoles.KycReviewer);
        var reviewer = await scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<PlatformUser>>().FindByEmailAsync(reviewerAccount.Email)
            ?? throw new InvalidOperationException($"The demo reviewer {reviewerAccount.Email} is missing.");
        return (researcher.Id, reviewer.Id);
    }

    /// <summary>
    /// Only a person whose identity KYC verified may represent an organisation; the consent service learns it from
    /// <c>identity.verified</c>. The demo researcher has no KYC case (like the demo clinician, activated by the seed):
    /// the identity service publishes the approval through its outbox, as its KYC service does, and the seed waits
    /// for the consent service to know it.
    /// </summary>
    private static async Task AnnounceVerifiedAsync(DevHostRunner host, string researcher, CancellationToken cancellationToken)
    {
        if (await IsKnownVerifiedAsync(host, researcher, cancellationToken))
        {
            return;
        }
        await using (var scope = host.ServicesOf("identity").CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<IdentityServiceDbContext>();
            db.AddIntegrationEvent(new IdentityVerifiedV1(researcher, Guid.NewGuid(), "approved", "substantial"), "identity");
            await db.SaveChangesAsync(cancellationToken);
        }
        var deadline = DateTime.UtcNow + VerificationWait;
        while (!await IsKnownVerifiedAsync(host, researcher, cancellationToken))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"The consent service did not learn of the researcher's verified identity within {VerificationWait.TotalSeconds:F0} s.");
            }
            await Task.Delay(100, cancellationToken);
        }
    }

    private static async Task<bool> IsKnownVerifiedAsync(DevHostRunner host, string researcher, CancellationToken cancellationToken)
    {
        await using var scope = host.ServicesOf("consent").CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ConsentDbContext>().VerifiedPeople.AnyAsync(p => p.Subject == researcher, cancellationToken);
    }

    private static async Task<Guid> StudyAsync(IServiceProvider consent, string researcher, string reviewer, CancellationToken cancellationToken)
    {
        await using var scope = consent.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsentDbContext>();
        var commands = scope.ServiceProvider.GetRequiredService<ResearchCommands>();
        var organisation = await db.ResearchOrganisations.AsNoTracking().FirstOrDefaultAsync(o => o.Representative == researcher, cancellationToken);
        var organisationId = organisation?.Id
            ?? (await commands.RegisterAsync(researcher, OrganisationName, "DEMO-0001", "GB", "1 Demo Street\nLondon", cancellationToken)).Id;
        if (organisation is null || organisation.Status == ResearchOrganisationRow.StatusCode(OrganisationStatus.Pending))
        {
            // The demo reviewer checks the legal entity, as a reviewer does at POST /research/organisations/{id}/verify.
            await commands.VerifyAsync(organisationId, reviewer, cancellationToken);
        }
        var study = await db.ResearchStudies.AsNoTracking().FirstOrDefaultAsync(s => s.OrganisationId == organisationId, cancellationToken);
        if (study is not null)
        {
            return study.Id;
        }
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var declared = await commands.DeclareAsync(organisationId, researcher, new StudyTerms(
            StudyTitle,
            "We study how resting heart rate changes with age and season, from the observations participants already keep in the platform.",
            "EK-DEMO-2026-001",
            ["observation", "condition"],
            DeidentificationLevelCodes.SafeHarbor,
            today,
            today.AddYears(2),
            new StudyCompensation(CompensationBasis.PerExport, 500, "EUR")), cancellationToken);
        return declared.Id;
    }

    private static async Task ObservationAsync(IServiceProvider vault, string participant, int index, CancellationToken cancellationToken)
    {
        await using var scope = vault.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordVaultDbContext>();
        if (await db.Records.AnyAsync(r => r.Patient == participant, cancellationToken))
        {
            return;
        }
        var json = Encoding.UTF8.GetBytes(
            "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8867-4\",\"display\":\"Heart rate\"}]},"
            + $"\"effectiveDateTime\":\"2026-0{index}-1{index}\",\"valueQuantity\":{{\"value\":{60 + (index * 4)},\"unit\":\"beats/minute\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"/min\"}}}}");
        var (payload, _) = FhirPayload.FromJson(json);
        // The participant stores their own record, as a patient does at POST /patients/{patient}/records.
        var self = new RecordCaller(participant, IsPatient: true, IsClinician: false, PurposesOfUse.Treatment, BreakGlass: false);
        await scope.ServiceProvider.GetRequiredService<RecordStore>().CreateAsync(self, participant, payload, cancellationToken);
    }

    private static async Task OptInAsync(IServiceProvider consent, Guid study, string participant, CancellationToken cancellationToken)
    {
        await using var scope = consent.CreateAsyncScope();
        var optIns = scope.ServiceProvider.GetRequiredService<ResearchOptInCommands>();
        if (await optIns.CurrentOptInAsync(study, participant, cancellationToken) is null)
        {
            await optIns.OptInAsync(study, participant, cancellationToken);
        }
    }
}
