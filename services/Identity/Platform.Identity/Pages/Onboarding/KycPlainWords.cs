using Microsoft.Extensions.Localization;
using Platform.Identity.Text;

namespace Platform.Identity.Pages.Onboarding;

/// <summary>
/// What a case's state and its check reasons mean, in words an applicant understands (the API keeps the stable
/// codes; the pages show both, the code for support staff). The words are IdentityText's; an unknown code is shown as it is.
/// </summary>
public static class KycPlainWords
{
    public static string StateTag(IStringLocalizer<IdentityText> text, string state)
    {
        ArgumentNullException.ThrowIfNull(text);
        return state switch
        {
            "Registered" => text["StateNotSubmitted"],
            "EvidenceSubmitted" or "AutomatedChecks" => text["StateBeingChecked"],
            "ManualReview" => text["StateWaitingForReview"],
            "Approved" => text["StateApproved"],
            "Rejected" => text["StateNotApproved"],
            _ => state,
        };
    }

    /// <summary>The status tag's colour for the state (a colour of the design system's tag, AA contrast).</summary>
    public static string StateTagColour(string state) => state switch
    {
        "Approved" => "green",
        "Rejected" => "red",
        "ManualReview" or "EvidenceSubmitted" or "AutomatedChecks" => "yellow",
        _ => "grey",
    };

    public static string WhatHappensNext(IStringLocalizer<IdentityText> text, string state, bool resubmissionAllowed)
    {
        ArgumentNullException.ThrowIfNull(text);
        return state switch
        {
            "Registered" => text["NextRegistered"],
            "EvidenceSubmitted" or "AutomatedChecks" => text["NextBeingChecked"],
            "ManualReview" => text["NextManualReview"],
            "Approved" => text["NextApproved"],
            "Rejected" when resubmissionAllowed => text["NextRejectedResubmit"],
            "Rejected" => text["NextRejectedFinal"],
            _ => "",
        };
    }

    public static string CheckName(IStringLocalizer<IdentityText> text, string code)
    {
        ArgumentNullException.ThrowIfNull(text);
        return code switch
        {
            "mrz_integrity" => text["CheckMrzIntegrity"],
            "document_expiry" => text["CheckDocumentExpiry"],
            "minimum_age" => text["CheckMinimumAge"],
            "form_consistency" => text["CheckFormConsistency"],
            "sanctions_screening" => text["CheckSanctionsScreening"],
            "pep_screening" => text["CheckPepScreening"],
            "duplicate_identity" => text["CheckDuplicateIdentity"],
            _ => code,
        };
    }

    public static string Reason(IStringLocalizer<IdentityText> text, string reason)
    {
        ArgumentNullException.ThrowIfNull(text);
        return reason switch
        {
            "passed" => text["CheckPassed"],
            "mrz_invalid" => text["ReasonMrzInvalid"],
            "specimen_document" => text["ReasonSpecimenDocument"],
            "mrz_unavailable" => text["ReasonMrzUnavailable"],
            "document_expired" => text["ReasonDocumentExpired"],
            "underage" => text["ReasonUnderage"],
            "form_mismatch" => text["ReasonFormMismatch"],
            "sanctions_match" => text["ReasonSanctionsMatch"],
            "pep_match" => text["ReasonPepMatch"],
            "duplicate_identity" => text["ReasonDuplicateIdentity"],
            _ => reason,
        };
    }
}
