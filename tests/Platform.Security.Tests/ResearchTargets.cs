using Microsoft.Extensions.DependencyInjection;
using Platform.Consent.Core;
using Platform.Consent.Data;

namespace Platform.Security.Tests;

/// <summary>
/// Research organisations and studies for the matrix to aim at, stored straight into the consent database: their
/// representative is nobody in the matrix (so every principal meets someone else's organisation), and review targets
/// are fresh and pending per call.
/// </summary>
public static class ResearchTargets
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<SecurityPlatform, Task<(Guid Organisation, Guid Study)>> Shared = new();

    /// <summary>A verified organisation with one study, shared by the reading calls.</summary>
    public static Task<(Guid Organisation, Guid Study)> VerifiedWithStudyAsync(SecurityPlatform platform) => Shared.GetValue(platform, SeedVerifiedAsync);

    /// <summary>A fresh pending organisation for a reviewer to verify or reject.</summary>
    public static async Task<Guid> PendingAsync(SecurityPlatform platform)
    {
        var organisation = Organisation(DateTimeOffset.UtcNow);
        await SaveAsync(platform, db => db.ResearchOrganisations.Add(ResearchOrganisationRow.From(organisation)));
        return organisation.Id;
    }

    /// <summary>A fresh study of a fresh verified organisation, for a patient to opt in to.</summary>
    public static async Task<Guid> FreshStudyAsync(SecurityPlatform platform) => (await SeedVerifiedAsync(platform)).Item2;

    /// <summary>A fresh study the seeded patient has opted in to (through the API, as a patient would), for someone to opt out of.</summary>
    public static async Task<Guid> OptedInStudyAsync(SecurityPlatform platform)
    {
        var study = await FreshStudyAsync(platform);
        using var optedIn = await platform.SendAsync("consent", HttpMethod.Post, $"/research/studies/{study}/opt-in", platform.Patient,
            System.Net.Http.Json.JsonContent.Create(new { }));
        await SecurityPlatform.ReadJsonAsync(optedIn, System.Net.HttpStatusCode.Created);
        return study;
    }

    /// <summary>The ids of <see cref="OfRepresentativeAsync"/>'s studies.</summary>
    public sealed record ResearcherStudyIds(Guid OfPendingOrganisation, Guid Ended, Guid OfAnotherOrganisation);

    /// <summary>
    /// Two studies <paramref name="representative"/> represents from which no export may start: one whose organisation
    /// is pending again (as after a reviewer's withdrawal, which only the database does today), and one that has ended;
    /// and the shared study, which is another organisation's.
    /// </summary>
    public static async Task<ResearcherStudyIds> OfRepresentativeAsync(SecurityPlatform platform, string representative)
    {
        var now = DateTimeOffset.UtcNow;
        var pending = ResearchOrganisation.Register(Guid.NewGuid(), "Corpus Research Ltd", "CORPUS-2", "GB", "2 Corpus Street", representative,
            representativeVerified: true, now).Value!;
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var ofPending = ResearchStudy.Declare(Guid.NewGuid(), pending.Verify("corpus-reviewer-0001", now).Value!, representative, "Corpus study",
            "What the corpus aims at.", "EK-CORPUS-1", ["observation"], DeidentificationLevelCodes.SafeHarbor, today, today.AddYears(1), null, now).Value!;
        // Declared two years ago for a month: ended.
        var then = now.AddYears(-2);
        var thenDay = DateOnly.FromDateTime(then.UtcDateTime);
        var verified = ResearchOrganisation.Register(Guid.NewGuid(), "Corpus Research Ltd", "CORPUS-3", "GB", "3 Corpus Street", representative,
            representativeVerified: true, then).Value!.Verify("corpus-reviewer-0001", then).Value!;
        var ended = ResearchStudy.Declare(Guid.NewGuid(), verified, representative, "Corpus study that ended", "What the corpus aims at.",
            "EK-CORPUS-2", ["observation"], DeidentificationLevelCodes.SafeHarbor, thenDay, thenDay.AddMonths(1), null, then).Value!;
        await SaveAsync(platform, db =>
        {
            db.ResearchOrganisations.Add(ResearchOrganisationRow.From(pending));
            db.ResearchOrganisations.Add(ResearchOrganisationRow.From(verified));
            db.ResearchStudies.Add(ResearchStudyRow.From(ofPending));
            db.ResearchStudies.Add(ResearchStudyRow.From(ended));
        });
        return new ResearcherStudyIds(ofPending.Id, ended.Id, (await VerifiedWithStudyAsync(platform)).Study);
    }

    private static async Task<(Guid, Guid)> SeedVerifiedAsync(SecurityPlatform platform)
    {
        var now = DateTimeOffset.UtcNow;
        var organisation = Organisation(now).Verify("matrix-reviewer-0001", now).Value!;
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var study = ResearchStudy.Declare(Guid.NewGuid(), organisation, organisation.RepresentativePseudonym, "Matrix study", "What the matrix reads.",
            "EK-MATRIX-1", ["observation"], DeidentificationLevelCodes.SafeHarbor, today, today.AddYears(1), null, now).Value!;
        await SaveAsync(platform, db =>
        {
            db.ResearchOrganisations.Add(ResearchOrganisationRow.From(organisation));
            db.ResearchStudies.Add(ResearchStudyRow.From(study));
        });
        return (organisation.Id, study.Id);
    }

    private static ResearchOrganisation Organisation(DateTimeOffset now) =>
        ResearchOrganisation.Register(Guid.NewGuid(), "Matrix Research Ltd", "MATRIX-1", "GB", "1 Matrix Street", "matrix-representative-" + Guid.NewGuid().ToString("N")[..12],
            representativeVerified: true, now).Value!;

    private static async Task SaveAsync(SecurityPlatform platform, Action<ConsentDbContext> change)
    {
        using var scope = platform.Host.ServicesOf("consent").CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsentDbContext>();
        change(db);
        await db.SaveChangesAsync();
    }
}
