namespace Platform.Contracts.CodeLists;

/// <summary>
/// Who a consent is granted to, and who asks for a decision (<c>actorKind</c> of <c>POST /decisions</c>): a clinician,
/// or an organisation (a research study's grantee id). The codes are also the names hashed into a consent, so they
/// never change.
/// </summary>
public static class GranteeKinds
{
    public const string Practitioner = "practitioner";
    public const string Organization = "organization";
}
