using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Platform.Hosting.Idempotency;
using Platform.RecordVault.Records;
using Platform.ServiceDefaults;

namespace Platform.RecordVault.Api;

/// <summary>
/// The admin erasure procedure: <c>DELETE /admin/records/{id}</c>, for an admin with a second factor acting on a
/// patient's documented request (or a legal obligation) when the patient cannot erase it themself. The stated reason
/// (<c>X-Audit-Reason</c>, 1-500 characters, e.g. the ticket number) is required and logged; the erasure itself is
/// audited like the patient's own — in the patient's access log and on the ledger, with the admin as actor.
/// </summary>
public static partial class AdminErasureEndpoints
{
    public const string AuditReasonHeader = "X-Audit-Reason";

    public static IEndpointRouteBuilder MapAdminErasureEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapDelete("/admin/records/{id}", EraseAsync)
            .RequireAuthorization(AdminEndpoints.Policy)
            .RequireRateLimiting(RateLimitPolicies.PerClient)
            .WithIdempotencyKey()
            .WithTags("Admin")
            .WithSummary("Erases a record on the patient's documented request (X-Audit-Reason required); audited to the patient's access log and the ledger.");
        return app;
    }

    private static async Task<IResult> EraseAsync(HttpContext http, string id, RecordStore store, ILoggerFactory loggers, CancellationToken ct)
    {
        var admin = http.User.FindFirstValue("sub") ?? throw ProblemException.BadRequest("The token has no subject.");
        var reason = http.Request.Headers[AuditReasonHeader].ToString();
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > 500)
        {
            throw ProblemException.BadRequest($"An admin erasing a record must give a reason (1-500 characters) in {AuditReasonHeader}.", "audit_reason_required");
        }
        var recordId = Guid.TryParse(id, out var parsed) ? parsed : throw ProblemException.BadRequest("The record id is not a UUID.", "malformed_id");
        var record = await store.EraseAsAdminAsync(admin, recordId, ct);
        LogAdminErasure(loggers.CreateLogger("Platform.RecordVault.Audit"), admin, record.Id, record.Patient, reason);
        return Results.NoContent();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Admin {Admin} erased record {RecordId} of {Patient}; reason: {Reason}")]
    private static partial void LogAdminErasure(ILogger logger, string admin, Guid recordId, string patient, string reason);
}
