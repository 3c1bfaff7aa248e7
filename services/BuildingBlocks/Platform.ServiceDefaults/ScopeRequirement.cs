using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace Platform.ServiceDefaults;

/// <summary>
/// Every listed scope must be in the access token's <c>scope</c> claim (space-separated or repeated). Compared in
/// place, without splitting the claim into strings: the check runs on every authorized request (issue 18).
/// </summary>
public sealed class ScopeRequirement : IAuthorizationRequirement, IAuthorizationHandler
{
    public ScopeRequirement(IEnumerable<string> scopes)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        Scopes = [.. scopes];
        if (Scopes.Count == 0 || Scopes.Any(s => string.IsNullOrEmpty(s) || s.Contains(' ', StringComparison.Ordinal)))
        {
            throw new ArgumentException("Scopes are non-empty and contain no space.", nameof(scopes));
        }
    }

    public IReadOnlyList<string> Scopes { get; }

    public Task HandleAsync(AuthorizationHandlerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (HasAll(context.User))
        {
            context.Succeed(this);
        }
        return Task.CompletedTask;
    }

    private bool HasAll(ClaimsPrincipal user)
    {
        for (var i = 0; i < Scopes.Count; i++)
        {
            if (!Has(user, Scopes[i]))
            {
                return false;
            }
        }
        return true;
    }

    public static bool Has(ClaimsPrincipal user, string scope)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (string.IsNullOrEmpty(scope))
        {
            return false;
        }
        foreach (var identity in user.Identities)
        {
            foreach (var claim in identity.Claims)
            {
                if (claim.Type == "scope" && Lists(claim.Value, scope))
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static bool Lists(ReadOnlySpan<char> value, string scope)
    {
        foreach (var range in value.Split(' '))
        {
            if (value[range].SequenceEqual(scope))
            {
                return true;
            }
        }
        return false;
    }
}
