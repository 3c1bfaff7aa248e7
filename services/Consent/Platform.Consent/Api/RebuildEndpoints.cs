using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Consent.Consents;
using Platform.ServiceDefaults;

namespace Platform.Consent.Api;

/// <summary>
/// <c>POST /admin/projection/rebuild[?apply=true]</c>: rebuilds current consent state from the ledger's committed
/// events and reports how the live store differs; with <c>apply=true</c> (and no problems) the rebuilt state
/// replaces it. Administrators only, with a second factor and an audited reason.
/// </summary>
public static partial class RebuildEndpoints
{
    public const string AdminPolicy = "consent-admin";

    public static void AddPolicy(AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddPolicy(AdminPolicy, policy => policy
            .AddAuthenticationSchemes(TokenValidationSetup.Scheme)
            .RequireAuthenticatedUser()
            .RequireScope(ConsentEndpoints.ManageScope)
            .RequireClaim("role", "admin")
            .RequireClaim("acr", PlatformPolicies.MultiFactorAcr));
    }

    public static IEndpointRouteBuilder MapRebuildEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/admin/projection/rebuild", async (HttpContext http, bool? apply, IServiceProvider services, ILoggerFactory loggers, CancellationToken ct) =>
            {
                var caller = ConsentCaller.From(http);
                var rebuild = services.GetService<ProjectionRebuild>()
                    ?? throw new ProblemException(StatusCodes.Status503ServiceUnavailable, "The ledger is not configured.",
                        "Set Consent:LedgerUrl to rebuild from the ledger.", "ledger_not_configured");
                var report = await rebuild.RunAsync(apply == true, ct);
                LogRebuild(loggers.CreateLogger("Platform.Consent.Audit"), caller.SubjectId, report.Applied, report.Differences.Count, caller.AuditReason);
                return Results.Ok(report);
            })
            .RequireAuthorization(AdminPolicy)
            .WithTags("Admin")
            .WithSummary("Rebuilds consent state from the ledger; reports differences, and applies them with apply=true.");
        return app;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Admin {Admin} rebuilt the consent projection from the ledger (applied: {Applied}, differences: {Differences}); reason: {Reason}")]
    private static partial void LogRebuild(ILogger logger, string admin, bool applied, int differences, string? reason);
}
