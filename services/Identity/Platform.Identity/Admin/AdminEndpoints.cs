using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using OpenIddict.Validation.AspNetCore;
using Platform.Identity.Accounts;
using Platform.Identity.Oidc;
using Platform.Identity.Sessions;
using Platform.ServiceDefaults;

namespace Platform.Identity.Admin;

/// <summary>
/// The admin API: clients, clinician activation, session revocation and signing-key rotation. Callers are administrators signed in
/// with a second factor, holding the <c>identity.admin</c> scope. Every change is logged with the admin's subject id.
/// </summary>
public static partial class AdminEndpoints
{
    public const string Policy = "identity-admin";

    public static void AddAdminPolicy(AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddPolicy(Policy, policy => policy
            .AddAuthenticationSchemes(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme)
            .RequireAuthenticatedUser()
            .RequireClaim(OpenIddictConstants.Claims.Role, PlatformRoles.Admin)
            .RequireClaim(OpenIddictConstants.Claims.AuthenticationContextReference, PlatformClaims.AcrMultiFactor)
            .RequireAssertion(context => context.User.HasScope(OidcScopes.IdentityAdmin)));
    }

    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin").RequireAuthorization(Policy).RequireRateLimiting(RateLimitPolicies.PerClient).WithTags("Admin");

        admin.MapGet("/clients", ListClientsAsync).WithSummary("Lists registered clients (never their secrets).");
        admin.MapGet("/clients/{clientId}", GetClientAsync).WithSummary("One registered client.");
        admin.MapPut("/clients/{clientId}", PutClientAsync)
            .WithSummary("Creates or replaces a client. A confidential client without a secret or keys gets a generated secret, returned once.");
        admin.MapDelete("/clients/{clientId}", DeleteClientAsync).WithSummary("Removes a client; its tokens stop working at their next use.");
        admin.MapPost("/users/{userId}/activate-clinician", ActivateClinicianAsync).WithSummary("Activates a clinician account after the licence is checked.");
        admin.MapPost("/users/{userId}/sessions/revoke", RevokeSessionsAsync)
            .WithSummary("Ends every sign-in session of the account and revokes its authorizations and refresh tokens.");
        admin.MapPost("/signing-keys/rotate", RotateSigningKeyAsync).WithSummary("Creates the next token-signing key: published at once, signing after Identity:SigningKeys:PublishAhead (10 min); ?immediate=true signs with it at once (a compromised key). The old key stays published until its tokens expire.");
        return app;
    }

    private static async Task<IResult> ListClientsAsync(IOpenIddictApplicationManager applications, CancellationToken cancellationToken)
    {
        var result = new List<ClientView>();
        await foreach (var application in applications.ListAsync(count: 500, offset: null, cancellationToken))
        {
            result.Add(await ClientView.FromAsync(applications, application, cancellationToken));
        }
        return Results.Ok(result);
    }

    private static async Task<IResult> GetClientAsync(string clientId, IOpenIddictApplicationManager applications, CancellationToken cancellationToken)
    {
        var application = await applications.FindByClientIdAsync(clientId, cancellationToken)
            ?? throw ProblemException.NotFound($"No client '{clientId}'.");
        return Results.Ok(await ClientView.FromAsync(applications, application, cancellationToken));
    }

    private static async Task<IResult> PutClientAsync(
        string clientId, ClientDefinition body, ClientRegistry registry, IOpenIddictApplicationManager applications,
        ClaimsPrincipal admin, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (body.ClientId.Length > 0 && body.ClientId != clientId)
        {
            throw ProblemException.BadRequest("The body's clientId differs from the one in the path.", "client_id_mismatch");
        }
        body.ClientId = clientId;
        string? generatedSecret = null;
        var exists = await applications.FindByClientIdAsync(clientId, cancellationToken) is not null;
        if (!exists && body.Type == ClientTypes.Confidential && body.ClientSecret is null && body.JsonWebKeySet is null)
        {
            generatedSecret = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
            body.ClientSecret = generatedSecret;
        }
        var created = await registry.SaveAsync(body, cancellationToken);
        LogClientSaved(loggers.CreateLogger("Platform.Identity.Admin"), clientId, admin.GetClaim(OpenIddictConstants.Claims.Subject));
        var application = await applications.FindByClientIdAsync(clientId, cancellationToken);
        var view = await ClientView.FromAsync(applications, application!, cancellationToken) with { ClientSecret = generatedSecret };
        return created ? Results.Created($"/admin/clients/{clientId}", view) : Results.Ok(view);
    }

    private static async Task<IResult> DeleteClientAsync(
        string clientId, IOpenIddictApplicationManager applications, ClaimsPrincipal admin, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var application = await applications.FindByClientIdAsync(clientId, cancellationToken)
            ?? throw ProblemException.NotFound($"No client '{clientId}'.");
        await applications.DeleteAsync(application, cancellationToken);
        LogClientDeleted(loggers.CreateLogger("Platform.Identity.Admin"), clientId, admin.GetClaim(OpenIddictConstants.Claims.Subject));
        return Results.NoContent();
    }

    private static async Task<IResult> ActivateClinicianAsync(
        string userId, UserManager<PlatformUser> users, ClaimsPrincipal admin, TimeProvider time, ILoggerFactory loggers)
    {
        var user = await users.FindByIdAsync(userId) ?? throw ProblemException.NotFound($"No account '{userId}'.");
        if (!await users.IsInRoleAsync(user, PlatformRoles.Clinician))
        {
            throw ProblemException.Conflict("The account is not a clinician account.", "not_a_clinician");
        }
        if (string.IsNullOrEmpty(user.LicenceNumber))
        {
            throw ProblemException.Conflict("The clinician has no licence number on record.", "missing_licence");
        }
        var adminId = admin.GetClaim(OpenIddictConstants.Claims.Subject);
        if (adminId == user.Id)
        {
            throw ProblemException.Conflict("Administrators cannot activate their own clinician account.", "self_activation");
        }
        if (user.ClinicianActivatedAt is null)
        {
            user.ClinicianActivatedAt = time.GetUtcNow();
            user.ClinicianActivatedBy = adminId;
            var saved = await users.UpdateAsync(user);
            if (!saved.Succeeded)
            {
                throw ProblemException.Conflict("The account changed meanwhile; try again.", "concurrent_update");
            }
            LogClinicianActivated(loggers.CreateLogger("Platform.Identity.Admin"), user.Id, adminId);
        }
        return Results.Ok(new { userId = user.Id, activatedAt = user.ClinicianActivatedAt, activatedBy = user.ClinicianActivatedBy });
    }

    private static async Task<IResult> RevokeSessionsAsync(
        string userId, UserManager<PlatformUser> users, SignInSessions sessions, ClaimsPrincipal admin, ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(userId) ?? throw ProblemException.NotFound($"No account '{userId}'.");
        var adminId = admin.GetClaim(OpenIddictConstants.Claims.Subject) ?? "";
        var revoked = await sessions.RevokeAllAsync(user.Id, adminId, cancellationToken);
        LogSessionsRevoked(loggers.CreateLogger("Platform.Identity.Admin"), user.Id, revoked.SessionsEnded, revoked.AuthorizationsRevoked, adminId);
        return Results.Ok(revoked);
    }

    /// <summary>
    /// Stages the next key (published now, signing after the publish-ahead period); <c>?immediate=true</c> switches
    /// at once for a compromised key, accepting that a resource service may refuse new tokens until it refetches the JWKS.
    /// </summary>
    private static async Task<IResult> RotateSigningKeyAsync(SigningKeyRing ring, ClaimsPrincipal admin, ILoggerFactory loggers, CancellationToken cancellationToken, bool immediate = false)
    {
        var rotation = await ring.RotateAsync(immediate, cancellationToken);
        LogRotated(loggers.CreateLogger("Platform.Identity.Admin"), rotation.Generation, rotation.ActivatesAt, immediate, admin.GetClaim(OpenIddictConstants.Claims.Subject));
        return Results.Ok(new { generation = rotation.Generation, keyName = rotation.KeyName, activatesAt = rotation.ActivatesAt, staged = rotation.Staged });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Client {ClientId} saved by admin {AdminId}")]
    private static partial void LogClientSaved(ILogger logger, string clientId, string? adminId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Client {ClientId} deleted by admin {AdminId}")]
    private static partial void LogClientDeleted(ILogger logger, string clientId, string? adminId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Clinician {UserId} activated by admin {AdminId}")]
    private static partial void LogClinicianActivated(ILogger logger, string userId, string? adminId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sessions of {UserId} revoked by admin {AdminId}: {Sessions} sessions ended, {Authorizations} authorizations revoked")]
    private static partial void LogSessionsRevoked(ILogger logger, string userId, int sessions, long authorizations, string adminId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Token-signing key generation {Generation} created by admin {AdminId}; signs from {ActivatesAt:O} (immediate: {Immediate})")]
    private static partial void LogRotated(ILogger logger, int generation, DateTimeOffset activatesAt, bool immediate, string? adminId);
}
