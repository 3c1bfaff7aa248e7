using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Platform.RecordVault.Access;

/// <summary>
/// Asks the consent service for a decision (POST /decisions) with the vault's own client-credentials token, naming
/// the action (<c>access</c> to read, <c>correct</c> to write): the consent service decides each action on its own.
/// When the consent service cannot answer, the answer is deny: the vault never reads without a decision.
/// </summary>
public sealed class ConsentDecisionClient(IHttpClientFactory http)
{
    public const string HttpClientName = "consent";
    public const string Scope = "consent.decide";

    public async Task<ConsentDecision> DecideAsync(string patient, string actor, string category, string purpose, string action, bool breakGlass, CancellationToken cancellationToken)
    {
        var client = http.CreateClient(HttpClientName);
        // StringContent so the token handler can resend it once with a fresh token.
        using var body = new StringContent(JsonSerializer.Serialize(new
        {
            subject = patient,
            actor,
            actorKind = "practitioner",
            category,
            purpose,
            action,
            breakGlass,
            actorIsClinician = true,
        }), Encoding.UTF8, "application/json");
        try
        {
            using var response = await client.PostAsync("decisions", body, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return ConsentDecision.Unavailable($"consent_service_{(int)response.StatusCode}");
            }
            var answer = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            return new ConsentDecision(
                answer.GetProperty("decisionId").GetGuid(),
                answer.GetProperty("decision").GetString()!,
                answer.GetProperty("reason").GetString()!);
        }
        catch (HttpRequestException)
        {
            return ConsentDecision.Unavailable("consent_service_unreachable");
        }
    }
}

/// <summary>The consent service's answer; <see cref="Outcome"/> is permit, deny or break-glass.</summary>
public sealed record ConsentDecision(Guid DecisionId, string Outcome, string Reason)
{
    public bool Permits => Outcome is "permit" or "break-glass";

    public static ConsentDecision Unavailable(string reason) => new(Guid.NewGuid(), "deny", reason);
}
