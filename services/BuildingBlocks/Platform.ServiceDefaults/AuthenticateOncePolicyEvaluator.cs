using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features.Authentication;

namespace Platform.ServiceDefaults;

/// <summary>
/// Authorization without a second authentication pass when the request was already authenticated by the policy's
/// one scheme. The platform's policies name the bearer scheme (a host with a cookie scheme for its pages has no
/// default), so ASP.NET Core's evaluator authenticated every authorized request again — the handler's cached
/// result, but claims transformation, a merged principal and a new ticket each time (issue 18). When the
/// authentication middleware's successful result came from that very scheme and is the request's user, it is the
/// answer the second pass would give; in every other case (several schemes, another default, no result) the
/// framework's evaluation runs unchanged.
/// </summary>
public sealed class AuthenticateOncePolicyEvaluator(IAuthorizationService authorization) : PolicyEvaluator(authorization)
{
    public override Task<AuthenticateResult> AuthenticateAsync(AuthorizationPolicy policy, HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(context);
        if (policy.AuthenticationSchemes.Count == 1
            && context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult is { Succeeded: true } result
            && string.Equals(result.Ticket!.AuthenticationScheme, policy.AuthenticationSchemes[0], StringComparison.Ordinal)
            && ReferenceEquals(result.Principal, context.User))
        {
            return Task.FromResult(result);
        }
        return base.AuthenticateAsync(policy, context);
    }
}
