using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.ServiceDefaults;

/// <summary>
/// Refuses access tokens on the deny-list (<see cref="IRevokedTokens"/>) once their signature, issuer, audience and
/// lifetime have checked out: the answer is 401 with <c>WWW-Authenticate: Bearer error="invalid_token"</c>, as for an
/// expired token, so a client knows to get a new one.
/// </summary>
public static class RevokedTokenCheck
{
    /// <summary>Longer than the validation's clock skew (30 s), so an entry outlives every moment its token is accepted.</summary>
    public static readonly TimeSpan ClockSkewMargin = TimeSpan.FromMinutes(1);

    public const string ErrorDescription = "The access token has been revoked.";

    public static JwtBearerEvents Events() => new()
    {
        OnTokenValidated = async context =>
        {
            if (await IsRevokedAsync(IRevokedTokens.KeyOf(context.Principal), context.HttpContext.RequestServices, context.HttpContext.RequestAborted))
            {
                context.Fail(new AccessTokenRevokedException());
            }
        },
        OnChallenge = context =>
        {
            if (context.AuthenticateFailure is AccessTokenRevokedException)
            {
                context.Error = "invalid_token";
                context.ErrorDescription = ErrorDescription;
            }
            return Task.CompletedTask;
        },
    };

    /// <summary>Whether the key (<see cref="IRevokedTokens.KeyOf"/>) names a revoked token; a token without one (not from the identity service) never is.</summary>
    public static async Task<bool> IsRevokedAsync(string? tokenId, IServiceProvider services, CancellationToken cancellationToken) =>
        tokenId is not null && await services.GetRequiredService<IRevokedTokens>().IsRevokedAsync(tokenId, cancellationToken);
}
