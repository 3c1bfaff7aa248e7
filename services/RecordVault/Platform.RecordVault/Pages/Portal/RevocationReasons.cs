using Platform.RecordVault.Text;

namespace Platform.RecordVault.Pages.Portal;

/// <summary>The identity service's revocation reason codes in plain words; an unknown code is shown as the code.</summary>
public static class RevocationReasons
{
    /// <summary>The codes with words in PatientPortalText (<c>Revocation_document_stolen</c>, …).</summary>
    public static readonly string[] Known = ["document_stolen", "document_lost", "licence_withdrawn", "fraud_suspected", "credential_revoked", "user_request"];

    public static string Describe(string code) => code switch
    {
        "holder_request" => PatientPortalText.Get("Revocation_user_request"),
        _ when Known.Contains(code) => PatientPortalText.Get("Revocation_" + code),
        _ => PatientPortalText.Get("RevocationOther", code.Replace('_', ' ')),
    };
}
