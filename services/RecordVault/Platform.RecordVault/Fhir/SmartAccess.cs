using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Smart;

namespace Platform.RecordVault.Fhir;

/// <summary>
/// The SMART App Launch 2.x scopes of the caller's token, applied to one FHIR request before the consent decision
/// (docs/fhir.md): the scope must name the type (or <c>*</c>) and the interaction (<c>c</c> create, <c>r</c> read,
/// vread and history, <c>u</c> update, <c>s</c> search), else 403; a <c>patient/</c> scope limits the request to the
/// token's patient in context. A scope only ever takes away: what it allows still needs the consent decision, so the
/// caller gets the intersection of the two. Tokens without SMART resource scopes (the platform's own clients, with
/// <c>records</c>) are not narrowed.
/// </summary>
public sealed class SmartAccess
{
    public const string InsufficientScope = "insufficient_scope";
    public const string OutsidePatientContext = "outside_patient_context";

    private readonly IReadOnlyList<SmartScope> _scopes;
    private readonly string? _patient;

    private SmartAccess(IReadOnlyList<SmartScope> scopes, string? patient)
    {
        _scopes = scopes;
        _patient = patient;
    }

    /// <summary>The token's SMART access, or null when it carries no SMART resource scope.</summary>
    public static SmartAccess? From(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var scopes = SmartScopes.Granted(user);
        return scopes.Count == 0 ? null : new SmartAccess(scopes, user.FindFirstValue(SmartScopes.PatientClaim));
    }

    /// <summary>
    /// Requires a scope granting <paramref name="permission"/> on <paramref name="type"/>; returns the patient the
    /// request is limited to, or null when a <c>user/</c> scope grants it (whatever consent allows the user).
    /// </summary>
    public static string? Require(HttpContext http, string type, SmartPermissions permission)
    {
        ArgumentNullException.ThrowIfNull(http);
        return From(http.User) is { } access ? access.Require(type, permission) : null;
    }

    public string? Require(string type, SmartPermissions permission)
    {
        if (_scopes.Any(s => s.Context == SmartScope.UserContext && s.Grants(type, permission)))
        {
            return null;
        }
        if (_scopes.Any(s => s.Context == SmartScope.PatientContext && s.Grants(type, permission)))
        {
            return _patient ?? throw Forbidden(InsufficientScope, "A patient/ scope needs a patient in context, and this token names none.");
        }
        throw Forbidden(InsufficientScope,
            $"The token's scopes do not grant {SmartScope.PermissionString(permission)} on {type} (e.g. patient/{type}.{SmartScope.PermissionString(permission)}).");
    }

    /// <summary>403 when a patient-limited request names another patient (in the search, or in the resource written).</summary>
    public static void RequireSamePatient(string? limit, string patient)
    {
        if (limit is not null && !string.Equals(limit, patient, StringComparison.Ordinal))
        {
            throw Forbidden(OutsidePatientContext, "The token's patient/ scopes are for the patient in context only.");
        }
    }

    private static ProblemException Forbidden(string code, string detail) =>
        new(StatusCodes.Status403Forbidden, "Not within the token's scopes.", detail, code);
}
