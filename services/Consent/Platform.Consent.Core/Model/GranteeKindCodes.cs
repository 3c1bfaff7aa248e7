using System.Diagnostics.CodeAnalysis;
using Platform.Contracts.CodeLists;

namespace Platform.Consent.Core;

/// <summary>
/// The wire codes of <see cref="GranteeKind"/> (also the names used in the consent hash), defined once in
/// <see cref="GranteeKinds"/> so the record vault asks in the same words without referencing this domain.
/// </summary>
public static class GranteeKindCodes
{
    public const string Practitioner = GranteeKinds.Practitioner;
    public const string Organization = GranteeKinds.Organization;

    public static string ToCode(this GranteeKind kind) => kind switch
    {
        GranteeKind.Practitioner => Practitioner,
        GranteeKind.Organization => Organization,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a grantee kind."),
    };

    public static bool TryParse(string? code, [NotNullWhen(true)] out GranteeKind? kind)
    {
        kind = code switch
        {
            Practitioner => GranteeKind.Practitioner,
            Organization => GranteeKind.Organization,
            _ => null,
        };
        return kind is not null;
    }
}
