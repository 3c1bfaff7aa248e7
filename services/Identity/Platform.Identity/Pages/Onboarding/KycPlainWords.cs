namespace Platform.Identity.Pages.Onboarding;

/// <summary>
/// What a case's state and its check reasons mean, in words an applicant understands (the API keeps the stable
/// codes; the pages show both, the code for support staff).
/// </summary>
public static class KycPlainWords
{
    public static string StateTag(string state) => state switch
    {
        "Registered" => "Not submitted yet",
        "EvidenceSubmitted" or "AutomatedChecks" => "Being checked",
        "ManualReview" => "Waiting for review",
        "Approved" => "Approved",
        "Rejected" => "Not approved",
        _ => state,
    };

    /// <summary>The status tag's colour for the state (a colour of the design system's tag, AA contrast).</summary>
    public static string StateTagColour(string state) => state switch
    {
        "Approved" => "green",
        "Rejected" => "red",
        "ManualReview" or "EvidenceSubmitted" or "AutomatedChecks" => "yellow",
        _ => "grey",
    };

    public static string WhatHappensNext(string state, bool resubmissionAllowed) => state switch
    {
        "Registered" => "Enter your details and your identity document, then submit them. The checks run straight away.",
        "EvidenceSubmitted" or "AutomatedChecks" => "Your documents are being checked. Reload this page in a moment.",
        "ManualReview" => "Some checks need a person to look at your documents. A reviewer will decide, usually within two working days. You do not need to do anything; this page shows the decision when it is made.",
        "Approved" => "Your identity is verified. You can now collect your verified-identity credential for your wallet.",
        "Rejected" when resubmissionAllowed => "We could not verify your identity with what you sent. Read the reasons below, correct your details or use another document, and submit again.",
        "Rejected" => "We could not verify your identity, and this application cannot be resubmitted. Contact support if you think this is wrong.",
        _ => "",
    };

    public static string CheckName(string code) => code switch
    {
        "mrz_integrity" => "Machine-readable zone",
        "document_expiry" => "Document still valid",
        "minimum_age" => "Minimum age",
        "form_consistency" => "Your details match the document",
        "sanctions_screening" => "Sanctions list",
        "pep_screening" => "Politically exposed persons list",
        "duplicate_identity" => "Document not used by another account",
        _ => code,
    };

    public static string Reason(string reason) => reason switch
    {
        "passed" => "Passed",
        "mrz_invalid" => "The machine-readable zone could not be read or a check digit is wrong: copy it again exactly as printed",
        "specimen_document" => "This is a specimen document, not a real one",
        "mrz_unavailable" => "Not checked: it needs a readable machine-readable zone",
        "document_expired" => "The document has expired: use a valid one",
        "underage" => "You are below the minimum age",
        "form_mismatch" => "Your details differ from the document: check names, date of birth, nationality and document number",
        "sanctions_match" => "A possible match on a sanctions list: a reviewer checks it",
        "pep_match" => "A possible match on the politically exposed persons list: a reviewer checks it",
        "duplicate_identity" => "This document is already used by another account",
        _ => reason,
    };
}
