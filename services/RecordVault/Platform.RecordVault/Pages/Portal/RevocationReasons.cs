namespace Platform.RecordVault.Pages.Portal;

/// <summary>The identity service's revocation reason codes in plain words; an unknown code is shown as the code.</summary>
public static class RevocationReasons
{
    public static string Describe(string code) => code switch
    {
        "document_stolen" => "the identity document it was based on was reported stolen",
        "document_lost" => "the identity document it was based on was reported lost",
        "licence_withdrawn" => "a professional licence was withdrawn",
        "fraud_suspected" => "fraud is suspected",
        "credential_revoked" => "an administrator revoked it",
        "user_request" or "holder_request" => "you asked for it",
        _ => "reason: " + code.Replace('_', ' '),
    };
}
