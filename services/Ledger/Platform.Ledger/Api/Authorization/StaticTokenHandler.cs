using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Platform.Ledger.Node;

namespace Platform.Ledger.Api.Authorization;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;token&gt;</c> against static tokens from the ledger's configuration
/// (Secrets), compared in constant time, for deployments without the identity service in front and for the replicas'
/// cluster token. Each group of tokens is its own scheme (<see cref="LedgerPolicies"/>), so a token of one group is
/// unknown to another's endpoints (401) rather than a known caller without the right (403), as before schemes.
/// A request without a matching token gets no result: the identity service's bearer scheme may still admit it.
/// </summary>
public sealed class StaticTokenHandler(
    IOptionsMonitor<StaticTokenOptions> options, ILoggerFactory logger, UrlEncoder encoder, IOptionsMonitor<LedgerNodeOptions> ledger)
    : AuthenticationHandler<StaticTokenOptions>(options, logger, encoder)
{
    /// <summary>The claim naming which configured token was presented (its key, e.g. the service's name).</summary>
    public const string TokenNameClaim = "ledger_token";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        var presented = Encoding.UTF8.GetBytes(header[7..].Trim());
        string? match = null;
        foreach (var (name, token) in Options.Tokens(ledger.CurrentValue))
        {
            // Every configured token is compared, so the time taken does not say which one came closest.
            if (!string.IsNullOrEmpty(token) && presented.Length > 0
                && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), presented))
            {
                match ??= name;
            }
        }
        if (match is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        var identity = new ClaimsIdentity([new Claim(TokenNameClaim, match)], Scheme.Name, TokenNameClaim, roleType: null);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        // The identity service's bearer scheme may have said so already (with its error); one challenge is enough.
        if (!Response.Headers.ContainsKey(HeaderNames.WWWAuthenticate))
        {
            Response.Headers.WWWAuthenticate = "Bearer";
        }
        return Task.CompletedTask;
    }
}
