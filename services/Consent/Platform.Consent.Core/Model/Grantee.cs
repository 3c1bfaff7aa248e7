using Platform.SignedEvents;

namespace Platform.Consent.Core;

/// <summary>The party a consent lets see records: its kind and its pseudonymous id.</summary>
public sealed record Grantee(GranteeKind Kind, string Id)
{
    public static Grantee Practitioner(string id) => new(GranteeKind.Practitioner, id);

    public static Grantee Organization(string id) => new(GranteeKind.Organization, id);

    public bool IsValid => Enum.IsDefined(Kind) && Pseudonyms.IsValid(Id);

    public override string ToString() => $"{(Enum.IsDefined(Kind) ? Kind.ToCode() : "?")}:{Id}";
}
