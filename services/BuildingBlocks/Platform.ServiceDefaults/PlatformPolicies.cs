using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace Platform.ServiceDefaults;

/// <summary>
/// Authorization policies shared by the services, over the identity service's access tokens: roles from the
/// <c>role</c> claim, API permissions from <c>scope</c>, and how the user signed in from <c>acr</c>.
/// Endpoints combine a policy with <see cref="RequireScope"/> for the API they expose.
/// </summary>
public static class PlatformPolicies
{
    public const string Patient = "patient";
    public const string Clinician = "clinician";
    public const string Admin = "admin";
    public const string Service = "service";

    /// <summary>Clinicians and admins always signed in with a second factor; their tokens say so in <c>acr</c>.</summary>
    public const string MultiFactorAcr = "urn:platform:acr:mfa";

    public static void Register(AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddPolicy(Patient, p => p.AddAuthenticationSchemes(TokenValidationSetup.Scheme).RequireAuthenticatedUser().RequireClaim("role", "patient"));
        options.AddPolicy(Clinician, p => p.AddAuthenticationSchemes(TokenValidationSetup.Scheme).RequireAuthenticatedUser()
            .RequireClaim("role", "clinician").RequireClaim("acr", MultiFactorAcr));
        options.AddPolicy(Admin, p => p.AddAuthenticationSchemes(TokenValidationSetup.Scheme).RequireAuthenticatedUser()
            .RequireClaim("role", "admin").RequireClaim("acr", MultiFactorAcr));
        options.AddPolicy(Service, p => p.AddAuthenticationSchemes(TokenValidationSetup.Scheme).RequireAuthenticatedUser().RequireAssertion(c => IsServiceToken(c.User)));
    }

    /// <summary>Requires every listed scope in the access token's <c>scope</c> claim (space-separated or repeated).</summary>
    public static AuthorizationPolicyBuilder RequireScope(this AuthorizationPolicyBuilder policy, params string[] scopes)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.AddRequirements(new ScopeRequirement(scopes));
    }

    public static bool HasScope(ClaimsPrincipal user, string scope) => ScopeRequirement.Has(user, scope);

    /// <summary>A client-credentials token: the subject is the client itself and no user role is present.</summary>
    public static bool IsServiceToken(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var subject = user.FindFirst("sub")?.Value;
        return subject is not null && subject == user.FindFirst("client_id")?.Value && !user.HasClaim(c => c.Type == "role");
    }
}
