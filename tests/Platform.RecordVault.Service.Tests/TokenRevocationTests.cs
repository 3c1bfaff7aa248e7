using System.Diagnostics;
using System.Net;
using System.Text;
using Platform.Identity.Accounts;
using Platform.Identity.Testing;
using Platform.Testing;

namespace Platform.RecordVault.Service.Tests;

/// <summary>
/// Issue 17, finding 7: an access token revoked at the identity service is refused by the vault (and consent) as soon
/// as identity.token-revoked reaches them, not when it expires.
/// </summary>
[Collection(VaultCollection.Name)]
public sealed class TokenRevocationTests(VaultPlatform platform, Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task A_revoked_access_token_is_refused_at_the_vault_and_consent_within_seconds_and_other_tokens_still_work()
    {
        var (patient, token) = await platform.UserAsync(PlatformRoles.Patient);
        var secondSignIn = await platform.SignInAsync(patient);
        var observation = new StringContent("""{"resourceType":"Observation","status":"final","code":{"text":"pulse"}}""", Encoding.UTF8, "application/fhir+json");
        var (created, record, _) = await platform.VaultAsync(HttpMethod.Post, $"/patients/{patient.Id}/records", token, observation);
        Assert.True(created == HttpStatusCode.Created, record.ToString());
        var path = $"/records/{record.GetProperty("id").GetString()}";
        Assert.Equal(HttpStatusCode.OK, (await platform.VaultAsync(HttpMethod.Get, path, token)).Status);

        using var identity = new HttpClient { BaseAddress = platform.Identity.BaseAddress };
        using var revoke = await identity.PostAsync("/connect/revoke", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = token,
            ["token_type_hint"] = "access_token",
            ["client_id"] = IdentityServer.PortalClient,
        }));
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        var clock = Stopwatch.StartNew();

        HttpResponseMessage refused = null!;
        await Eventually.TrueAsync(async () =>
        {
            (_, _, refused) = await platform.VaultAsync(HttpMethod.Get, path, token);
            return refused.StatusCode == HttpStatusCode.Unauthorized;
        }, "the vault refuses the revoked token", TimeSpan.FromSeconds(10));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"refused after {clock.Elapsed.TotalSeconds:F1} s");
        output.WriteLine($"the vault refused the revoked token {clock.Elapsed.TotalMilliseconds:F0} ms after /connect/revoke answered");
        var challenge = refused.Headers.WwwAuthenticate.ToString();
        Assert.Contains("error=\"invalid_token\"", challenge, StringComparison.Ordinal);
        Assert.Contains("revoked", challenge, StringComparison.Ordinal);
        // Consent heard it too (each service consumes identity.token-revoked on its own, so consent may hear it a
        // moment after the vault); the token is still far from its expiry (5 minutes).
        await Eventually.TrueAsync(async () =>
            (await platform.ConsentAsync(HttpMethod.Post, "/consents", token, new { })).Status == HttpStatusCode.Unauthorized,
            "consent refuses the revoked token", TimeSpan.FromSeconds(10) - clock.Elapsed);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"consent refused after {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(DateTimeOffset.FromUnixTimeSeconds(Jwt.Payload(token).GetProperty("exp").GetInt64()) > DateTimeOffset.UtcNow.AddMinutes(3));

        // Only that token: the same patient's other sign-in still reads.
        Assert.Equal(HttpStatusCode.OK, (await platform.VaultAsync(HttpMethod.Get, path, secondSignIn)).Status);
    }

    [Fact]
    public async Task A_revoked_service_token_without_a_token_entry_is_refused_at_consent()
    {
        // Issue 18: client_credentials tokens have no token entry; the deny-list keys them by jti.
        using var identity = new HttpClient { BaseAddress = platform.Identity.BaseAddress };
        var basic = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{IdentityServer.ServiceClient}:{IdentityServer.ServiceSecret}")));
        async Task<string> ServiceTokenAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "consent.decide" }),
            };
            request.Headers.Authorization = basic;
            using var response = await identity.SendAsync(request);
            var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            return body.GetProperty("access_token").GetString()!;
        }
        var token = await ServiceTokenAsync();
        var other = await ServiceTokenAsync();
        Assert.False(Jwt.Payload(token).TryGetProperty("oi_tkn_id", out _));
        var decision = new { subject = "nobody", actor = "nobody", category = "observation", purpose = "TREAT" };
        Assert.NotEqual(HttpStatusCode.Unauthorized, (await platform.ConsentAsync(HttpMethod.Post, "/decisions", token, decision)).Status);

        using var revoke = new HttpRequestMessage(HttpMethod.Post, "/connect/revoke")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token }),
        };
        revoke.Headers.Authorization = basic;
        using var revoked = await identity.SendAsync(revoke);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);

        HttpResponseMessage refused = null!;
        await Eventually.TrueAsync(async () =>
        {
            (_, _, refused) = await platform.ConsentAsync(HttpMethod.Post, "/decisions", token, decision);
            return refused.StatusCode == HttpStatusCode.Unauthorized;
        }, "consent refuses the revoked service token", TimeSpan.FromSeconds(10));
        Assert.Contains("revoked", refused.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.NotEqual(HttpStatusCode.Unauthorized, (await platform.ConsentAsync(HttpMethod.Post, "/decisions", other, decision)).Status);
    }
}
