using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Platform.RecordVault.Records;
using Platform.ServiceDefaults;

namespace Platform.RecordVault.Api;

/// <summary>Key rotation for administrators (second factor, <c>records</c> scope): rotate the KEK, follow the rewrap.</summary>
public static class AdminEndpoints
{
    public const string Policy = "record-vault-admin";

    public static void AddPolicy(AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddPolicy(Policy, policy => policy
            .AddAuthenticationSchemes(TokenValidationSetup.Scheme)
            .RequireAuthenticatedUser()
            .RequireScope(RecordEndpoints.Scope)
            .RequireClaim("role", "admin")
            .RequireClaim("acr", PlatformPolicies.MultiFactorAcr));
    }

    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin/keys").RequireAuthorization(Policy).WithTags("Admin");
        admin.MapPost("/rotate", async (KeyRotation rotation, CancellationToken ct) =>
                Results.Ok(new { version = await rotation.RotateAsync(ct), progress = await rotation.ProgressAsync(ct) }))
            .WithSummary("Creates a new version of the key-encryption key; the background rewrap moves every data key to it.");
        admin.MapGet("/rewrap", async (KeyRotation rotation, CancellationToken ct) => Results.Ok(await rotation.ProgressAsync(ct)))
            .WithSummary("Rewrap progress: data keys under the current KEK version, and how many remain.");
        return app;
    }
}
