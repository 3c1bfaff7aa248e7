using System.Diagnostics.CodeAnalysis;

namespace Platform.Consent.Core;

/// <summary>The wire codes of <see cref="GranteeKind"/> (also the names used in the consent hash).</summary>
public static class GranteeKindCodes
{
    public const string Practitioner = "practitioner";
    public const string Organization = "organization";

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
