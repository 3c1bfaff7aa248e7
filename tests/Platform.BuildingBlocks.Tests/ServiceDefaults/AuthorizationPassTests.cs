using System.Net;
using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;
using Platform.BuildingBlocks.Tests.TestService;
using Platform.ServiceDefaults;
using Platform.Testing;

namespace Platform.BuildingBlocks.Tests.ServiceDefaults;

/// <summary>
/// Authorization with the platform's policy evaluator and scope requirement (issue 18): one authentication pass per
/// request when the policy's scheme already authenticated it, scopes matched whole, refusals unchanged.
/// </summary>
public sealed class AuthorizationPassTests
{
    [Fact]
    public async Task A_request_authenticated_by_the_policys_scheme_is_authenticated_once_and_scopes_decide()
    {
        await using var service = await ServiceUnderTest.StartAsync(TestServiceApp.Build);
        var passes = service.Services.GetRequiredService<ClaimsTransformationLog>();

        var before = passes.Count;
        Assert.Equal(HttpStatusCode.OK, await ScopedAsync(service, "alice", "openid notes.read"));
        Assert.Equal(1, passes.Count - before);

        Assert.Equal(HttpStatusCode.OK, await ScopedAsync(service, "alice", "openid", TestServiceApp.ScopedScope));
        Assert.Equal(HttpStatusCode.Forbidden, await ScopedAsync(service, "alice", "notes.reader notes"));
        Assert.Equal(HttpStatusCode.Forbidden, await ScopedAsync(service, "alice"));
        Assert.Equal(HttpStatusCode.Unauthorized, await ScopedAsync(service, null, TestServiceApp.ScopedScope));
    }

    [Theory]
    [InlineData("consent.decide", true)]
    [InlineData("openid  consent.decide ", true)]
    [InlineData("consent.decider", false)]
    [InlineData("consent", false)]
    [InlineData("", false)]
    public void A_scope_matches_a_whole_space_separated_entry(string claim, bool expected)
    {
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim("scope", claim)], "test"));
        Assert.Equal(expected, PlatformPolicies.HasScope(user, "consent.decide"));
        Assert.False(PlatformPolicies.HasScope(user, ""));
    }

    [Fact]
    public void Scopes_in_another_identity_or_repeated_claims_count()
    {
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "x")], "first"));
        user.AddIdentity(new ClaimsIdentity([new Claim("scope", "a"), new Claim("scope", "b c")], "second"));
        Assert.True(PlatformPolicies.HasScope(user, "a"));
        Assert.True(PlatformPolicies.HasScope(user, "c"));
        Assert.False(PlatformPolicies.HasScope(user, "d"));
        Assert.Throws<ArgumentException>(() => new ScopeRequirement(["two words"]));
    }

    private static async Task<HttpStatusCode> ScopedAsync(ServiceUnderTest service, string? caller, params string[] scopes)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/scoped");
        if (caller is not null)
        {
            request.Headers.Add(TestCallerAuthentication.Header, caller);
        }
        foreach (var scope in scopes)
        {
            request.Headers.Add(TestCallerAuthentication.ScopeHeader, scope);
        }
        using var response = await service.Client.SendAsync(request);
        return response.StatusCode;
    }
}
