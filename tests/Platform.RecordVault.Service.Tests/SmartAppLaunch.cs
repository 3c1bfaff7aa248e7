// Firely's models mark most elements nullable; a test that dereferences a missing one fails, which is the point.
#nullable disable warnings
using System.Net;
using System.Text.Json;
using Platform.Identity.Smart;
using Platform.Identity.Testing;

namespace Platform.RecordVault.Service.Tests;

/// <summary>A SMART standalone launch against the real identity provider, as an app runs it (shared by the SMART tests).</summary>
public static class SmartAppLaunch
{
    /// <summary>The vault's SMART discovery document, fetched without a token.</summary>
    public static async Task<JsonElement> DiscoverAsync(VaultPlatform platform)
    {
        using var anonymous = new HttpClient { BaseAddress = platform.Vault.Client.BaseAddress };
        return JsonDocument.Parse(await anonymous.GetStringAsync($"{FhirApi.Base}/.well-known/smart-configuration")).RootElement.Clone();
    }

    /// <summary>
    /// A standalone launch as a SMART app runs it: authorize at the discovered endpoint with PKCE and <c>aud</c>, sign
    /// in, pick the patient when asked, allow the app, redeem the code at the discovered token endpoint. Returns the
    /// token response and the picker page's HTML (empty when there was none).
    /// </summary>
    public static async Task<(JsonElement Token, string Picker)> RunAsync(VaultPlatform platform, CodeFlow flow, JsonElement discovery, TestAccount account, string scope, string? pick = null)
    {
        var pkce = Pkce.Create();
        // The app goes where discovery sends it: the identity provider's endpoints.
        Assert.Equal(new Uri(platform.Identity.BaseAddress, "/connect/authorize"), new Uri(discovery.GetProperty("authorization_endpoint").GetString()!));
        Assert.Equal(new Uri(platform.Identity.BaseAddress, "/connect/token"), new Uri(discovery.GetProperty("token_endpoint").GetString()!));
        var url = CodeFlow.AuthorizeUrl(IdentityServer.SmartClient, IdentityServer.SmartRedirect, scope, pkce,
            extra: "aud=" + Uri.EscapeDataString(new Uri(platform.Vault.Client.BaseAddress!, FhirApi.Base).AbsoluteUri));
        var location = await flow.RunAsync(url, account);
        var picker = "";
        if (location.StartsWith(SmartLaunch.PickerPath, StringComparison.Ordinal))
        {
            using var page = await flow.Session.GetAsync(location);
            picker = await page.Content.ReadAsStringAsync();
            using var chosen = await flow.Session.SubmitHtmlFormAsync(new Uri(platform.Identity.BaseAddress, location).AbsoluteUri, picker,
                new Dictionary<string, string> { [SmartLaunch.PatientField] = pick ?? throw new InvalidOperationException("The picker was shown.") });
            location = FormSession.Location(chosen);
        }
        Assert.StartsWith("/connect/consent", location, StringComparison.Ordinal);
        using (var allowed = await flow.Session.SubmitAsync(location, new Dictionary<string, string>(), "submit.accept"))
        {
            location = FormSession.Location(allowed);
        }
        Assert.StartsWith(IdentityServer.SmartRedirect, location, StringComparison.Ordinal);
        var code = CodeFlow.QueryOf(location)["code"];
        var (status, token) = await flow.RedeemCodeAsync(code, IdentityServer.SmartClient, IdentityServer.SmartRedirect, pkce.Verifier);
        Assert.True(status == HttpStatusCode.OK, token.ToString());
        return (token, picker);
    }
}
