using System.Collections.Frozen;
using System.Collections.Immutable;

namespace Platform.Contracts.CodeLists;

/// <summary>
/// What a consent lets its grantee do with the records it covers: a closed subset of the FHIR Consent
/// <c>provision.action</c> codes (http://terminology.hl7.org/CodeSystem/consentaction), so the export needs no mapping.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>access</c>: read. Every consent granted before actions existed grants exactly this, and a grant that
/// names no action gets it, so reading stays the default and writing is always asked for explicitly.</item>
/// <item><c>correct</c>: write (create a record, add a version). Here it does not imply <c>access</c> (whatever the code
/// system's display "Access and Correct" suggests): every permission is named, so a grant that wants both names both.</item>
/// </list>
/// Erasure is deliberately not on the list: no consent can grant it. Only the patient erases their records (and an
/// admin under the audited erasure procedure of the record vault). <c>collect</c>, <c>use</c> and <c>disclose</c>
/// have no meaning in the vault yet and are refused rather than silently ignored.
/// </remarks>
public static class ProvisionActions
{
    public const string System = "http://terminology.hl7.org/CodeSystem/consentaction";

    /// <summary>Read the records.</summary>
    public const string Access = "access";

    /// <summary>Write the records: create them and add versions.</summary>
    public const string Correct = "correct";

    /// <summary>The codes with a display for pages; the FHIR export writes the codes alone (the code system has its own displays).</summary>
    public static IReadOnlyList<(string Code, string Display)> All { get; } =
    [
        (Access, "read the records"),
        (Correct, "write the records (new records and versions)"),
    ];

    /// <summary>The actions of a consent that names none, and of every consent stored before actions existed.</summary>
    public static ImmutableSortedSet<string> Default { get; } = ImmutableSortedSet.Create(StringComparer.Ordinal, Access);

    private static readonly FrozenSet<string> Codes = All.Select(a => a.Code).ToFrozenSet(StringComparer.Ordinal);

    public static bool IsKnown(string? code) => code is not null && Codes.Contains(code);

    /// <summary>Whether a set of actions is the read-only default (hashed in the v1 form, see <c>ConsentHash</c> in the consent service).</summary>
    public static bool IsDefault(IEnumerable<string> actions) => Default.SetEquals(actions);
}
