using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.ServiceDefaults;

namespace Platform.RecordVault.Access;

/// <summary>
/// Asks the consent service for a decision (POST /decisions) with the vault's own client-credentials token, naming
/// the action (<c>access</c> to read, <c>correct</c> to write): the consent service decides each action on its own.
/// The clinician's own access token goes along in <c>X-Subject-Token</c>: the consent service takes the actor and
/// their clinician role from that token, which it validates, never from the body (so break-glass needs it).
/// When the consent service cannot answer (unreachable, an error status, a timeout, an answer that is not a decision),
/// the answer is deny: the vault never reads or writes without a decision, and the refusal is audited like any other.
/// </summary>
public sealed class ConsentDecisionClient(IHttpClientFactory http)
{
    public const string HttpClientName = "consent";
    public const string Scope = "consent.decide";

    /// <summary>The actor kinds of the decision API: a clinician, or an organisation (a research study's grantee id).</summary>
    public const string PractitionerActor = "practitioner";
    public const string OrganizationActor = "organization";

    /// <param name="subjectToken">The clinician's access token as the vault received it; null for callers without one (benchmarks, a study's export).</param>
    public async Task<ConsentDecision> DecideAsync(string patient, string actor, string category, string purpose, string action, bool breakGlass, CancellationToken cancellationToken, string? subjectToken = null,
        string actorKind = PractitionerActor)
    {
        var client = http.CreateClient(HttpClientName);
        // StringContent so the token handler can resend it once with a fresh token.
        using var body = new StringContent(JsonSerializer.Serialize(new
        {
            subject = patient,
            actor,
            actorKind,
            category,
            purpose,
            action,
            breakGlass,
        }), Encoding.UTF8, "application/json");
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "decisions") { Content = body };
            if (subjectToken is not null)
            {
                request.Headers.TryAddWithoutValidation(SubjectToken.Header, subjectToken);
            }
            using var response = await client.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return ConsentDecision.Unavailable($"consent_service_{(int)response.StatusCode}");
            }
            var answer = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            var outcome = answer.GetProperty("decision").GetString();
            if (outcome is not ("permit" or "deny" or "break-glass"))
            {
                return ConsentDecision.Unavailable("consent_service_malformed_answer");
            }
            return new ConsentDecision(answer.GetProperty("decisionId").GetGuid(), outcome, answer.GetProperty("reason").GetString()!);
        }
        catch (HttpRequestException)
        {
            return ConsentDecision.Unavailable("consent_service_unreachable");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The client's timeout, not the caller giving up: deny (and audit) rather than answer 500.
            return ConsentDecision.Unavailable("consent_service_timeout");
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            // Not JSON, a missing field, a wrong type, not a GUID: an answer that decides nothing.
            return ConsentDecision.Unavailable("consent_service_malformed_answer");
        }
    }
}

/// <summary>The consent service's answer; <see cref="Outcome"/> is permit, deny or break-glass.</summary>
public sealed record ConsentDecision(Guid DecisionId, string Outcome, string Reason)
{
    public bool Permits => Outcome is "permit" or "break-glass";

    public static ConsentDecision Unavailable(string reason) => new(Guid.NewGuid(), "deny", reason);
}
