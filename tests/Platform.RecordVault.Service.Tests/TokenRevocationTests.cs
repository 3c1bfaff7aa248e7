using System.Diagnostics;
using System.Net;
using System.Text;
using Platform.Identity.Accounts;
using Platform.Identity.Tests.Infrastructure;
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
        // Consent heard it too; the token is still far from its expiry (5 minutes).
        Assert.Equal(HttpStatusCode.Unauthorized, (await platform.ConsentAsync(HttpMethod.Post, "/consents", token, new { })).Status);
        Assert.True(DateTimeOffset.FromUnixTimeSeconds(Jwt.Payload(token).GetProperty("exp").GetInt64()) > DateTimeOffset.UtcNow.AddMinutes(3));

        // Only that token: the same patient's other sign-in still reads.
        Assert.Equal(HttpStatusCode.OK, (await platform.VaultAsync(HttpMethod.Get, path, secondSignIn)).Status);
    }
}
