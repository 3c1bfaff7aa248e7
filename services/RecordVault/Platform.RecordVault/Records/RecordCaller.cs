using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Platform.Contracts.CodeLists;
using Platform.ServiceDefaults;

namespace Platform.RecordVault.Records;

/// <summary>
/// Who is asking and why: a patient (their own records only) or a clinician (who needs a consent decision), the
/// purpose of use (<c>X-Purpose-Of-Use</c>, default TREAT) and whether they invoke break-glass (<c>X-Break-Glass: true</c>,
/// only with ETREAT) and, for a break-glass read, the reason they give (<see cref="Records.BreakGlassReason"/>).
/// </summary>
/// <param name="AccessToken">The caller's own access token, forwarded to the consent service so that it learns the actor from a token it validates.</param>
/// <param name="NetworkAddress">The connection's remote address, recorded in the access log (the AuditEvent's <c>agent.network</c>).</param>
/// <param name="ClientId">The token's OAuth client, recorded in the access log (the AuditEvent's client agent).</param>
/// <param name="IsStudy">A research study reading its participants' records for an export (the vault's own worker, never a request):
/// <see cref="SubjectId"/> is the study's grantee id, decided as an organisation, read only.</param>
public sealed record RecordCaller(string SubjectId, bool IsPatient, bool IsClinician, string Purpose, bool BreakGlass, string? AccessToken = null, string? BreakGlassReason = null,
    string? NetworkAddress = null, string? ClientId = null, bool IsStudy = false)
{
    public const string PurposeHeader = "X-Purpose-Of-Use";
    public const string BreakGlassHeader = "X-Break-Glass";

    public static RecordCaller From(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var user = http.User;
        var subject = user.FindFirstValue("sub") ?? throw ProblemException.BadRequest("The token has no subject.");
        var purpose = http.Request.Headers[PurposeHeader].ToString() is { Length: > 0 } p ? p : PurposesOfUse.Treatment;
        if (!PurposesOfUse.IsKnown(purpose))
        {
            throw ProblemException.Unprocessable($"Unknown purpose of use '{purpose}'.", "unknown_purpose");
        }
        var breakGlass = string.Equals(http.Request.Headers[BreakGlassHeader].ToString(), "true", StringComparison.OrdinalIgnoreCase);
        var reason = Records.BreakGlassReason.From(http.Request);
        if (reason is not null && !breakGlass)
        {
            // A reason is kept only as part of a break-glass access; accepting one elsewhere would store free text for nothing.
            throw ProblemException.Unprocessable($"{Records.BreakGlassReason.Header} goes with {BreakGlassHeader}: true only.", "break_glass_reason_without_break_glass");
        }
        return new RecordCaller(subject,
            IsPatient: user.HasClaim("role", "patient"),
            IsClinician: user.HasClaim("role", "clinician") && user.HasClaim("acr", PlatformPolicies.MultiFactorAcr),
            purpose, breakGlass, BearerToken(http.Request), reason,
            // The address of the vault's own connection. X-Forwarded-For is not trusted (a caller can write it), so behind
            // a proxy this is the proxy's address unless the operator adds ForwardedHeaders with that proxy as known.
            http.Connection.RemoteIpAddress?.ToString(),
            user.FindFirstValue("client_id") is { Length: > 0 and <= 128 } client ? client : null);
    }

    // The header authentication has just validated (with its DPoP proof, for a bound token); the token is forwarded
    // as received, never logged. Consent checks the forwarded token itself; the proof was for this request only.
    private static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        foreach (var scheme in new[] { "Bearer ", "DPoP " })
        {
            if (header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                return header[scheme.Length..].Trim();
            }
        }
        return null;
    }

    public bool IsOwner(string patient) => IsPatient && string.Equals(SubjectId, patient, StringComparison.Ordinal);
}
