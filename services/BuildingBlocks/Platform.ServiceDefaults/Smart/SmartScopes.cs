using System.Security.Claims;

namespace Platform.ServiceDefaults.Smart;

/// <summary>
/// The SMART App Launch 2.x scopes this platform offers and the claims that carry a launch's context. The identity
/// service registers every scope in <see cref="Offered"/> (an OAuth server accepts only scopes it knows); the record
/// vault reads the granted ones from the access token and narrows each FHIR request to them.
/// </summary>
public static class SmartScopes
{
    /// <summary>Asks for a patient in context at a standalone launch (the patient themselves, or one a clinician picks).</summary>
    public const string LaunchPatient = "launch/patient";

    /// <summary>Asks for the <c>fhirUser</c> claim in the identity token.</summary>
    public const string FhirUser = "fhirUser";

    /// <summary>The access token claim (and token response parameter) naming the patient in context.</summary>
    public const string PatientClaim = "patient";

    /// <summary>The identity token claim naming the user as a FHIR resource.</summary>
    public const string FhirUserClaim = "fhirUser";

    /// <summary>
    /// The resource types scopes may name: the record vault's FHIR API serves exactly these (its tests compare the
    /// lists) — the nine record types of the patient compartment, <c>Binary</c> (attachments) and <c>AuditEvent</c>
    /// (the access log). <c>*</c> stands for all of them.
    /// </summary>
    public static IReadOnlyList<string> ResourceTypes { get; } =
    [
        "AllergyIntolerance", "AuditEvent", "Binary", "Condition", "DiagnosticReport", "DocumentReference", "Immunization",
        "MedicationRequest", "MedicationStatement", "Observation", "Procedure",
    ];

    /// <summary>Every resource scope offered: patient/ and user/, each type and <c>*</c>, every non-empty ordered subset of <c>cruds</c>.</summary>
    public static IReadOnlyList<string> Offered { get; } = Enumerate().ToList();

    private static readonly HashSet<string> OfferedSet = new(Offered, StringComparer.Ordinal);

    public static bool IsOffered(string scope) => OfferedSet.Contains(scope);

    /// <summary>The offered scopes a client registered for <paramref name="scope"/> may ask for: it and every narrower one.</summary>
    public static IEnumerable<string> CoveredBy(string scope) =>
        SmartScope.TryParse(scope, out var granted) && IsOffered(scope)
            ? Offered.Where(s => SmartScope.TryParse(s, out var candidate) && granted.Covers(candidate))
            : [];

    /// <summary>The SMART resource scopes in a principal's <c>scope</c> claims (space-separated or repeated).</summary>
    public static IReadOnlyList<SmartScope> Granted(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var scopes = new List<SmartScope>();
        foreach (var claim in user.FindAll("scope"))
        {
            foreach (var value in claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (SmartScope.TryParse(value, out var scope))
                {
                    scopes.Add(scope);
                }
            }
        }
        return scopes;
    }

    private static IEnumerable<string> Enumerate()
    {
        foreach (var context in new[] { SmartScope.PatientContext, SmartScope.UserContext })
        {
            foreach (var type in ResourceTypes.Prepend(SmartScope.AnyType))
            {
                for (var bits = 1; bits < 32; bits++)
                {
                    yield return $"{context}/{type}.{SmartScope.PermissionString((SmartPermissions)bits)}";
                }
            }
        }
    }
}
