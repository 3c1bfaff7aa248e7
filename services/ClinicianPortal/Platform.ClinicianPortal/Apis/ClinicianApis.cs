using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Platform.ServiceDefaults.Dpop;

namespace Platform.ClinicianPortal.Apis;

/// <summary>
/// The consent service and the record vault, called as the signed-in clinician: each request carries the access
/// token from the clinician's server-side session (DPoP-bound: each request with a fresh proof by the portal's key), so the services decide (and audit) exactly as for any client of
/// theirs. The portal holds no permission of its own.
/// </summary>
public sealed class ClinicianApis(IHttpClientFactory clients, IHttpContextAccessor http)
{
    public const string Consent = "consent";
    public const string RecordVault = "record-vault";
    private const string ReadPurpose = "TREAT";
    private const string EmergencyPurpose = "ETREAT";

    public Task<ApiAnswer<List<GrantedConsent>>> MyConsentsAsync(CancellationToken ct) =>
        SendAsync<List<GrantedConsent>>(Consent, HttpMethod.Get, "clinicians/me/consents", null, ct);

    public Task<ApiAnswer<List<AccessRequestSummary>>> MyRequestsAsync(CancellationToken ct) =>
        SendAsync<List<AccessRequestSummary>>(Consent, HttpMethod.Get, "access-requests", null, ct);

    public Task<ApiAnswer<AccessRequestSummary>> RequestAccessAsync(string patient, IEnumerable<string> categories, IEnumerable<string> purposes, int durationMinutes, CancellationToken ct) =>
        SendAsync<AccessRequestSummary>(Consent, HttpMethod.Post, "access-requests",
            JsonContent.Create(new { patient, categories, purposes, durationMinutes }), ct);

    public Task<ApiAnswer<List<RecordSummary>>> RecordsAsync(string patient, CancellationToken ct) =>
        SendAsync<List<RecordSummary>>(RecordVault, HttpMethod.Get, $"patients/{Uri.EscapeDataString(patient)}/records", null, ct);

    public Task<ApiAnswer<List<MyAccess>>> MyAccessesAsync(CancellationToken ct) =>
        SendAsync<List<MyAccess>>(RecordVault, HttpMethod.Get, "access-log/mine", null, ct);

    /// <summary>
    /// Reads one record (audited by the vault); with an <paramref name="emergencyReason"/>, as an emergency (ETREAT,
    /// X-Break-Glass, and the reason percent-encoded in X-Break-Glass-Reason, which the vault stores encrypted for the patient).
    /// </summary>
    public async Task<ApiAnswer<RecordContent>> ReadAsync(Guid record, string? emergencyReason, CancellationToken ct)
    {
        var breakGlass = emergencyReason is not null;
        using var request = await RequestAsync(HttpMethod.Get, $"records/{record}", null);
        request.Headers.Add("X-Purpose-Of-Use", breakGlass ? EmergencyPurpose : ReadPurpose);
        if (breakGlass)
        {
            request.Headers.Add("X-Break-Glass", "true");
            // Header values are ASCII; the clinician's words may not be.
            request.Headers.Add("X-Break-Glass-Reason", Uri.EscapeDataString(emergencyReason!));
        }
        using var response = await clients.CreateClient(RecordVault).SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
        {
            return await RefusalAsync<RecordContent>(response, ct);
        }
        var type = response.Content.Headers.ContentType?.MediaType ?? "application/octet-stream";
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        // FHIR JSON is shown as text; an attachment only by type and size (the portal does not render files).
        var text = type.Contains("json", StringComparison.OrdinalIgnoreCase) ? System.Text.Encoding.UTF8.GetString(bytes) : null;
        return new ApiAnswer<RecordContent>(response.StatusCode, new RecordContent(record, type, text, bytes.LongLength, breakGlass), null, null);
    }

    private async Task<ApiAnswer<T>> SendAsync<T>(string service, HttpMethod method, string path, HttpContent? body, CancellationToken ct)
    {
        using var request = await RequestAsync(method, path, body);
        using var response = await clients.CreateClient(service).SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
        {
            return await RefusalAsync<T>(response, ct);
        }
        var value = await response.Content.ReadFromJsonAsync<T>(JsonSerializerOptions.Web, ct);
        return new ApiAnswer<T>(response.StatusCode, value, null, null);
    }

    private async Task<HttpRequestMessage> RequestAsync(HttpMethod method, string path, HttpContent? body)
    {
        var context = http.HttpContext ?? throw new InvalidOperationException("The APIs are called while answering a request.");
        var token = await context.GetTokenAsync("access_token")
            ?? throw new InvalidOperationException("The session holds no access token.");
        var request = new HttpRequestMessage(method, path) { Content = body };
        // The token is bound to the portal's DPoP key (the client requires DPoP); DpopHandler adds the proof.
        request.Headers.Authorization = new AuthenticationHeaderValue(DpopProofValidator.Scheme, token);
        return request;
    }

    private static async Task<ApiAnswer<T>> RefusalAsync<T>(HttpResponseMessage response, CancellationToken ct)
    {
        string? detail = null;
        string? code = null;
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
            detail = problem.TryGetProperty("detail", out var d) ? d.GetString() : null;
            code = problem.TryGetProperty("code", out var c) ? c.GetString() : null;
        }
        catch (JsonException)
        {
            // Not problem+json (a proxy's page): the status alone says enough.
        }
        return new ApiAnswer<T>(response.StatusCode, default, detail ?? Explain(response.StatusCode), code);
    }

    private static string Explain(HttpStatusCode status) => status switch
    {
        HttpStatusCode.Unauthorized => "Your session has ended; sign in again.",
        HttpStatusCode.Forbidden => "Not allowed.",
        HttpStatusCode.NotFound => "Not found.",
        HttpStatusCode.TooManyRequests => "Too many requests; wait a moment and try again.",
        _ => $"The service answered {(int)status}.",
    };
}

/// <summary>Registers <see cref="ClinicianApis"/> and its two HTTP clients.</summary>
public static class ClinicianApisSetup
{
    public static IServiceCollection AddPlatformApis(this IServiceCollection services, PortalOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddHttpContextAccessor();
        services.AddHttpClient(ClinicianApis.Consent, c => c.BaseAddress = Required(options.ConsentUrl, "Portal:ConsentUrl"))
            .AddHttpMessageHandler(s => new DpopHandler(s.GetRequiredService<DpopProofKey>()));
        services.AddHttpClient(ClinicianApis.RecordVault, c => c.BaseAddress = Required(options.RecordVaultUrl, "Portal:RecordVaultUrl"))
            .AddHttpMessageHandler(s => new DpopHandler(s.GetRequiredService<DpopProofKey>()));
        services.AddScoped<ClinicianApis>();
        services.AddSingleton<BreakGlass.EmergencyReadResults>();
        return services;
    }

    private static Uri Required(Uri? url, string key) =>
        url is null
            ? throw new InvalidOperationException($"The clinician portal needs {key}.")
            : new Uri(url.AbsoluteUri.TrimEnd('/') + "/");
}
