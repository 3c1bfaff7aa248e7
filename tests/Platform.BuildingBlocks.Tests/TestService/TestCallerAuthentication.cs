using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Platform.BuildingBlocks.Tests.TestService;

/// <summary>
/// Signs the test service's caller in from the <c>X-Test-Caller</c> header (its <c>sub</c>; <c>X-Test-Scope</c>, repeatable, its <c>scope</c> claims), so building-block
/// tests can be two different callers without an identity provider. Test code only.
/// </summary>
public sealed class TestCallerAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "test-caller";
    public const string Header = "X-Test-Caller";
    public const string ScopeHeader = "X-Test-Scope";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var caller = Request.Headers[Header].ToString();
        if (caller.Length == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        var identity = new ClaimsIdentity([new Claim("sub", caller)], SchemeName);
        foreach (var scope in Request.Headers[ScopeHeader])
        {
            identity.AddClaim(new Claim("scope", scope!));
        }
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
