using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.Identity.Accounts;
using Platform.Identity.Testing;
using Platform.Testing;

namespace Platform.RecordVault.Service.Tests;

/// <summary>
/// Issue 17, open finding "a token signed with a freshly rotated key is refused": a rotation at the identity service
/// stages the next key, published before it signs, and consent and the vault fetch it in that time, so tokens keep
/// validating at every resource service through the switch. Before, the first token with the new key was 401 at
/// every service that had fetched the JWKS shortly before.
/// </summary>
[Collection(VaultCollection.Name)]
public sealed class SigningKeyRotationTests(VaultPlatform platform, Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task After_a_rotation_tokens_keep_validating_at_consent_and_the_vault_with_no_401_window()
    {
        var (patient, token) = await platform.UserAsync(PlatformRoles.Patient);
        var observation = new StringContent("""{"resourceType":"Observation","status":"final","code":{"text":"pulse"}}""", Encoding.UTF8, "application/fhir+json");
        var (created, record, _) = await platform.VaultAsync(HttpMethod.Post, $"/patients/{patient.Id}/records", token, observation);
        Assert.True(created == HttpStatusCode.Created, record.ToString());
        var path = $"/records/{record.GetProperty("id").GetString()}";
        // Both services hold the JWKS from before the rotation.
        await AssertAcceptedEverywhereAsync(path, token, "before the rotation");
        var oldKid = Jwt.Header(token).GetProperty("kid").GetString();

        var admin = await TestAccounts.CreateAsync(platform.Identity.Service.Services, PlatformRoles.Admin);
        using var adminSession = new FormSession(platform.Identity.BaseAddress);
        var adminToken = (await new CodeFlow(adminSession).SignInThroughPortalAsync(admin, "openid identity.admin")).GetProperty("access_token").GetString()!;
        using var rotate = new HttpRequestMessage(HttpMethod.Post, "/admin/signing-keys/rotate");
        rotate.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        using var rotated = await adminSession.Http.SendAsync(rotate);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var rotation = await rotated.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(rotation.GetProperty("staged").GetBoolean());
        var activatesAt = rotation.GetProperty("activatesAt").GetDateTimeOffset();

        // Through the switch and a while after it: every fresh token is accepted by both services at its first use.
        var kids = new List<string?>();
        var calls = 0;
        while (DateTimeOffset.UtcNow < activatesAt + TimeSpan.FromSeconds(3))
        {
            var fresh = await platform.SignInAsync(patient);
            kids.Add(Jwt.Header(fresh).GetProperty("kid").GetString());
            await AssertAcceptedEverywhereAsync(path, fresh, $"token {kids.Count} (kid {kids[^1]}, {(DateTimeOffset.UtcNow - activatesAt).TotalSeconds:F1} s from the switch)");
            calls += 2;
        }
        var newKids = kids.Where(k => k != oldKid).Distinct().ToList();
        output.WriteLine($"{kids.Count} fresh tokens, {calls} calls, {kids.Count(k => k == oldKid)} with the old key, {kids.Count - kids.Count(k => k == oldKid)} with the new one; no 401");
        Assert.Contains(oldKid, kids); // the old key signed until the switch…
        Assert.Single(newKids); // …then the staged one, and only it
        Assert.Equal(newKids[0], kids[^1]);
        // The token from before the rotation still works: its key stays published until it expires.
        await AssertAcceptedEverywhereAsync(path, token, "the token from before the rotation");
    }

    private async Task AssertAcceptedEverywhereAsync(string recordPath, string token, string what)
    {
        var (vault, _, vaultRaw) = await platform.VaultAsync(HttpMethod.Get, recordPath, token);
        Assert.True(vault == HttpStatusCode.OK, $"vault: {what}: {(int)vault} {vaultRaw.Headers.WwwAuthenticate}");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/consents");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var consent = await platform.Consent.Client.SendAsync(request);
        Assert.True(consent.StatusCode == HttpStatusCode.OK, $"consent: {what}: {(int)consent.StatusCode} {consent.Headers.WwwAuthenticate}");
    }
}
