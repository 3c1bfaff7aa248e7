using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Platform.Consent.Core;
using Platform.ServiceDefaults;

namespace Platform.Consent.Api;

/// <summary>
/// Who is calling the patient API: a patient (acts on their own consents only) or an admin (acts on anyone's,
/// signed in with a second factor, and must say why in the <c>X-Audit-Reason</c> header; the reason is stored
/// with every change and logged with every read).
/// </summary>
public sealed record ConsentCaller(string SubjectId, bool IsAdmin, string? AuditReason)
{
    public const string AuditReasonHeader = "X-Audit-Reason";

    public static ConsentCaller From(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var user = http.User;
        var subject = user.FindFirstValue("sub") ?? throw ProblemException.BadRequest("The token has no subject.");
        var isAdmin = user.HasClaim("role", "admin") && user.HasClaim("acr", PlatformPolicies.MultiFactorAcr);
        if (!isAdmin)
        {
            return new ConsentCaller(subject, false, null);
        }
        var reason = http.Request.Headers[AuditReasonHeader].ToString();
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > 500)
        {
            throw ProblemException.BadRequest($"Admins acting on a patient's consents must give a reason (1-500 characters) in {AuditReasonHeader}.", "audit_reason_required");
        }
        return new ConsentCaller(subject, true, reason);
    }

    public bool MayAct(string patient) => IsAdmin || string.Equals(patient, SubjectId, StringComparison.Ordinal);

    public bool MayAct(PatientConsent consent) => MayAct(consent.SubjectPseudonym);
}
