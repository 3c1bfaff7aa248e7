namespace Platform.Identity.Vci;

/// <summary>
/// A credential offer made to an approved applicant (OpenID4VCI pre-authorized code flow). The pre-authorized code
/// is kept only as a SHA-256 digest (the lookup key) and, for the offer by reference, protected with Data Protection;
/// the transaction code only as a digest bound to the code. Single use, short-lived, and given up after
/// <see cref="CredentialOffers.MaxTxCodeFailures"/> wrong transaction codes.
/// </summary>
public sealed class CredentialOfferRow
{
    /// <summary>Random, unguessable: the last segment of the <c>credential_offer_uri</c>.</summary>
    public string Id { get; set; } = "";

    /// <summary>base64url SHA-256 of the pre-authorized code.</summary>
    public string CodeHash { get; set; } = "";

    /// <summary>The pre-authorized code protected with Data Protection, so the offer can be served by reference.</summary>
    public string ProtectedCode { get; set; } = "";

    /// <summary>base64url SHA-256 of the code and the transaction code together.</summary>
    public string TxCodeHash { get; set; } = "";

    public string OwnerId { get; set; } = "";
    public Guid CaseId { get; set; }
    public long CreatedAtMs { get; set; }
    public long ExpiresAtMs { get; set; }
    public int FailedTxCodeAttempts { get; set; }
    public long? RedeemedAtMs { get; set; }

    /// <summary>Set when too many wrong transaction codes were tried: the code is dead.</summary>
    public bool Invalidated { get; set; }
}
