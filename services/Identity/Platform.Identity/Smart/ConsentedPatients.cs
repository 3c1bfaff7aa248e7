using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Platform.Contracts.CodeLists;
using Platform.ServiceDefaults;

namespace Platform.Identity.Smart;

/// <summary>
/// Asks the consent service which patients a clinician's consents in force cover (<c>POST /decisions/patients</c>,
/// with the identity service's own <c>consent.decide</c> token): what the patient picker may list. When it cannot
/// answer, the list is empty, so a launch never gets a patient no consent was seen to cover.
/// </summary>
/// <remarks>
/// The named client runs through <c>ServiceClientResilience</c> (Identity:Smart:ConsentTimeout and
/// ConsentAttemptTimeout, retries, circuit breaker). "Cannot answer" is: unreachable, a timeout, a non-success status
/// after the retries, an open circuit, or an answer that is not a list of patient ids.
/// </remarks>
public sealed class ConsentedPatients(IHttpClientFactory http, IOptions<SmartOptions> options)
{
    public const string HttpClientName = "smart-consent";
    public const string Scope = "consent.decide";

    public async Task<IReadOnlyList<string>> ListAsync(string clinicianId, CancellationToken cancellationToken)
    {
        if (options.Value.ConsentUrl is null)
        {
            return [];
        }
        try
        {
            var client = http.CreateClient(HttpClientName);
            using var body = JsonContent.Create(new { actor = clinicianId, actorKind = GranteeKinds.Practitioner, purpose = options.Value.Purpose });
            using var response = await client.PostAsync("decisions/patients", body, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return [];
            }
            var answer = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            return [.. answer.GetProperty("patients").EnumerateArray().Select(p => p.GetString() ?? throw new JsonException("A patient id is null."))];
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException
                                   || ServiceClientResilience.IsRejected(ex)
                                   || ex is TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return [];
        }
    }
}
