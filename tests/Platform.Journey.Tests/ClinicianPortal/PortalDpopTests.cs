using System.Net;
using System.Net.Http.Headers;
using Platform.Identity.Accounts;
using Platform.Identity.Testing;
using Platform.ServiceDefaults.Dpop;

namespace Platform.Journey.Tests.ClinicianPortal;

/// <summary>
/// The dev host registers the <c>clinician-portal</c> client with <c>RequireDpop</c> (issue #21): its codes are
/// exchanged only with a DPoP proof, and its tokens, bound to the prover's key, are useless without that key.
/// </summary>
public sealed class PortalDpopTests(PortalPlatform platform) : IClassFixture<PortalPlatform>
{
    private const string Scope = "openid roles records";

    [Fact]
    public async Task A_clinician_portal_code_is_not_exchanged_without_a_dpop_proof()
    {
        var patient = await TestAccounts.CreateAsync(platform.IdentityServices, PlatformRoles.Patient, enrolTotp: false);
        using var session = new FormSession(platform.Identity);
        var flow = new CodeFlow(session);
        var pkce = Pkce.Create();
        var redirect = await flow.RunAsync(CodeFlow.AuthorizeUrl(IdentityServer.PortalClient, IdentityServer.PortalRedirect, Scope, pkce), patient);

        var (status, body) = await flow.RedeemCodeAsync(CodeFlow.QueryOf(redirect)["code"], IdentityServer.PortalClient, IdentityServer.PortalRedirect, pkce.Verifier);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(DpopProofResult.InvalidProof, body.GetProperty("error").GetString());
        Assert.False(body.TryGetProperty("access_token", out _));
    }

    [Fact]
    public async Task A_clinician_portal_token_is_bound_to_the_proving_key_and_refused_as_a_bearer_token()
    {
        var patient = await TestAccounts.CreateAsync(platform.IdentityServices, PlatformRoles.Patient, enrolTotp: false);
        using var session = new FormSession(platform.Identity);
        var tokens = await new CodeFlow(session).SignInThroughPortalAsync(patient, Scope, platform.Dpop);
        Assert.Equal("DPoP", tokens.GetProperty("token_type").GetString());
        var token = tokens.GetProperty("access_token").GetString()!;
        Assert.Equal(platform.Dpop.Thumbprint, Jwt.Payload(token).GetProperty("cnf").GetProperty("jkt").GetString());

        using var bearer = new HttpClient { BaseAddress = platform.RecordVault };
        bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var refused = await bearer.GetAsync($"patients/{patient.Id}/records");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        using var proving = DpopClients.Create(platform.RecordVault, token, platform.Dpop);
        using var accepted = await proving.GetAsync($"patients/{patient.Id}/records");
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);

        // The identity service's own APIs take bearer tokens only: the bound token is refused there as invalid_token
        // (OpenIddict's own check would throw on a key-bound token, a 500).
        using var identity = new HttpClient { BaseAddress = platform.Identity };
        identity.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var atIdentity = await identity.PostAsync("/kyc/cases", null);
        Assert.Equal(HttpStatusCode.Unauthorized, atIdentity.StatusCode);
        Assert.Contains("invalid_token", atIdentity.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }
}
