using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Contracts.CodeLists;
using Platform.Contracts.Decisions;
using Platform.ServiceDefaults;
using Polly;
using Polly.Timeout;

namespace Platform.RecordVault.Access;

/// <summary>
/// Asks the consent service for a decision (POST /decisions, the typed <see cref="DecisionBody"/> and
/// <see cref="DecisionResponse"/> of Platform.Contracts) with the vault's own client-credentials token, naming
/// the action (<c>access</c> to read, <c>correct</c> to write): the consent service decides each action on its own.
/// The clinician's own access token goes along in <c>X-Subject-Token</c>: the consent service takes the actor and
/// their clinician role from that token, which it validates, never from the body (so break-glass needs it).
/// </summary>
/// <remarks>
/// The named client runs through <see cref="ServiceClientResilience"/> (timeouts, retries, circuit breaker). A decision
/// is a read, so it is retried; a break-glass decision is not (it spends the emergency budget and is audited by the
/// consent service). When no decision can be had — unreachable, a timeout, 408/429/5xx after the retries, an open
/// circuit, an answer that is not a decision — the answer is <see cref="ConsentDecision.IsUnavailable"/>: a deny
/// the vault audits and answers with 503 (<see cref="ConsentUnavailableException"/>). Other refusals of the request
/// itself (4xx) are plain denies with the status as reason.
/// </remarks>
public sealed class ConsentDecisionClient(IHttpClientFactory http)
{
    public const string HttpClientName = "consent";
    public const string Scope = "consent.decide";

    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    /// <param name="subjectToken">The clinician's access token as the vault received it; null for callers without one (benchmarks, a study's export).</param>
    public async Task<ConsentDecision> DecideAsync(string patient, string actor, string category, string purpose, string action, bool breakGlass, CancellationToken cancellationToken, string? subjectToken = null,
        string actorKind = GranteeKinds.Practitioner)
    {
        var client = http.CreateClient(HttpClientName);
        // Buffered bytes, so the token handler and the retries can send the body again.
        using var body = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(
            new DecisionBody(patient, actor, actorKind, category, purpose, action, breakGlass), DecisionJsonContext.Default.DecisionBody));
        body.Headers.ContentType = Json;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "decisions") { Content = body };
            if (subjectToken is not null)
            {
                request.Headers.TryAddWithoutValidation(SubjectToken.Header, subjectToken);
            }
            if (breakGlass)
            {
                request.Options.Set(ServiceClientResilience.NotIdempotent, true);
            }
            using var response = await client.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                var reason = $"consent_service_{(int)response.StatusCode}";
                return IsTransient(response.StatusCode) ? ConsentDecision.Unavailable(reason) : ConsentDecision.Refused(reason);
            }
            var answer = await response.Content.ReadFromJsonAsync(DecisionJsonContext.Default.DecisionResponse, cancellationToken);
            return answer is { IsWellFormed: true }
                ? new ConsentDecision(answer.DecisionId, answer.Decision, answer.Reason)
                : ConsentDecision.Unavailable(ConsentDecision.MalformedAnswer);
        }
        catch (HttpRequestException)
        {
            return ConsentDecision.Unavailable("consent_service_unreachable");
        }
        catch (TimeoutRejectedException)
        {
            return ConsentDecision.Unavailable(ConsentDecision.Timeout);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient's own timeout, not the caller giving up (whose cancellation propagates).
            return ConsentDecision.Unavailable(ConsentDecision.Timeout);
        }
        catch (ExecutionRejectedException)
        {
            // The circuit is open (or the pipeline's concurrency limit is reached): not asked at all.
            return ConsentDecision.Unavailable("consent_service_circuit_open");
        }
        catch (JsonException)
        {
            // Not JSON, or a property of the wrong type (a decision that is a number, an id that is not a GUID).
            return ConsentDecision.Unavailable(ConsentDecision.MalformedAnswer);
        }
    }

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;
}

/// <summary>
/// The consent service's answer; <see cref="Outcome"/> is one of <see cref="DecisionOutcomes"/>.
/// <see cref="IsUnavailable"/>: no decision could be had, the deny is the vault's own.
/// </summary>
public sealed record ConsentDecision(Guid DecisionId, string Outcome, string Reason, bool IsUnavailable = false)
{
    public const string Timeout = "consent_service_timeout";
    public const string MalformedAnswer = "consent_service_malformed_answer";

    public bool Permits => DecisionOutcomes.Permits(Outcome);

    public static ConsentDecision Unavailable(string reason) => new(Guid.NewGuid(), DecisionOutcomes.Deny, reason, IsUnavailable: true);

    public static ConsentDecision Refused(string reason) => new(Guid.NewGuid(), DecisionOutcomes.Deny, reason);
}
