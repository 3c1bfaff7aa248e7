using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Platform.RecordVault.Access;
using Platform.ServiceDefaults;

namespace Platform.RecordVault.Research;

/// <summary>
/// Asks the consent service for a study's consent set (<c>GET /research/studies/{id}/consent-set</c>) with the vault's
/// own client-credentials token (<c>consent.decide</c>): who represents the study's organisation, whether it is
/// verified, the terms, and the participants whose opt-ins are in force now. Asked before an export starts, when it
/// runs, and at every status or file request, so a rejected organisation or a replaced representative stops there.
/// </summary>
public sealed class ConsentSetClient(IHttpClientFactory http)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The study's consent set, or null when the consent service knows no such study.</summary>
    /// <exception cref="ProblemException">503 <c>consent_service_unavailable</c> when it cannot answer.</exception>
    public async Task<StudyConsentSet?> GetAsync(Guid studyId, CancellationToken cancellationToken)
    {
        var client = http.CreateClient(ConsentDecisionClient.HttpClientName);
        try
        {
            using var response = await client.GetAsync($"research/studies/{studyId:D}/consent-set", cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }
            if (!response.IsSuccessStatusCode)
            {
                throw Unavailable();
            }
            var set = await response.Content.ReadFromJsonAsync<StudyConsentSet>(Json, cancellationToken);
            return set is { Study: not null, Participants: not null, ConsentSetHash: not null, Representative: not null } && set.StudyId == studyId
                ? set : throw Unavailable();
        }
        catch (HttpRequestException)
        {
            throw Unavailable();
        }
        catch (JsonException)
        {
            throw Unavailable();
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Unavailable();
        }
    }

    private static ProblemException Unavailable() =>
        new(StatusCodes.Status503ServiceUnavailable, "The consent service cannot answer.", "The study's consent set could not be fetched; try again shortly.",
            "consent_service_unavailable") { RetryAfter = TimeSpan.FromSeconds(5) };
}

/// <summary>The consent service's answer (its <c>ConsentSetView</c>), the members the vault uses.</summary>
public sealed record StudyConsentSet(
    Guid StudyId, string Representative, bool OrganisationVerified, StudyTerms Study, IReadOnlyList<StudyParticipant> Participants,
    string ConsentSetHash, DateTimeOffset AsOf, bool Truncated);

public sealed record StudyTerms(Guid Id, Guid OrganisationId, string OrganisationName, string Title, IReadOnlyList<string> Categories,
    string DeidentificationLevel, DateOnly StartsOn, DateOnly EndsOn);

public sealed record StudyParticipant(string Patient, Guid ConsentId, int Version, string ConsentHash, IReadOnlyList<string> Categories);
