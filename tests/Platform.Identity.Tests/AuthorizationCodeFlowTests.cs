using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Platform.Identity.Accounts;
using Platform.Identity.Oidc;
using Platform.Identity.Testing;

namespace Platform.Identity.Tests;

public sealed class AuthorizationCodeFlowTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private IdentityServer Server => fixture.Server;

    [Fact]
    public async Task Clinician_signs_in_with_password_and_totp_and_gets_tokens_saying_how()
    {
        var clinician = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Clinician, licence: "GMC-1112223");
        using var session = new FormSession(Server.BaseAddress);
        var flow = new CodeFlow(session);

        var tokens = await flow.SignInThroughPortalAsync(clinician);

        var access = tokens.GetProperty("access_token").GetString()!;
        var header = Jwt.Header(access);
        Assert.Equal("ES256", header.GetProperty("alg").GetString());
        Assert.Equal("at+jwt", header.GetProperty("typ").GetString());
        Assert.StartsWith("oidc-signing-", header.GetProperty("kid").GetString(), StringComparison.Ordinal);
        var claims = Jwt.Payload(access);
        Assert.Equal(clinician.Id, claims.GetProperty("sub").GetString());
        Assert.Equal(PlatformClaims.AcrMultiFactor, claims.GetProperty("acr").GetString());
        Assert.Equal(["pwd", "otp", "mfa"], Jwt.Strings(claims, "amr"));
        Assert.Contains("clinician", Jwt.Strings(claims, "role"));
        Assert.Equal("GMC-1112223", claims.GetProperty("licence").GetString());
        Assert.Contains("record-vault", Jwt.Strings(claims, "aud"));
        var id = Jwt.Payload(tokens.GetProperty("id_token").GetString()!);
        Assert.Equal("nonce-state-1", id.GetProperty("nonce").GetString());
        Assert.Equal(PlatformClaims.AcrMultiFactor, id.GetProperty("acr").GetString());
        Assert.Equal(clinician.Email, id.GetProperty("email").GetString());
        Assert.True(tokens.TryGetProperty("refresh_token", out _));
    }

    [Fact]
    public async Task Patient_without_second_factor_gets_password_level_tokens_and_userinfo()
    {
        var patient = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        using var session = new FormSession(Server.BaseAddress);
        var tokens = await new CodeFlow(session).SignInThroughPortalAsync(patient);
        var access = tokens.GetProperty("access_token").GetString()!;
        Assert.Equal(PlatformClaims.AcrPassword, Jwt.Payload(access).GetProperty("acr").GetString());
        Assert.Equal(["pwd"], Jwt.Strings(Jwt.Payload(access), "amr"));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/connect/userinfo");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", access);
        using var response = await session.Http.SendAsync(request);
        var userinfo = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(patient.Id, userinfo.GetProperty("sub").GetString());
        Assert.Equal(patient.Email, userinfo.GetProperty("email").GetString());
        Assert.Contains("patient", userinfo.GetProperty("role").EnumerateArray().Select(r => r.GetString()));
    }
}
