using Platform.Contracts.CodeLists;
using Platform.Contracts.Decisions;
using Platform.RecordVault.Data;
using Platform.RecordVault.Text;

namespace Platform.RecordVault.Pages.Portal;

/// <summary>
/// One access to the patient's records as the access-log page shows it: who, why, when, the receipt's state, and for
/// break-glass the clinician's reason (decrypted for this page).
/// </summary>
public sealed record AccessLogEntry(AccessLogRow Row, ReceiptCheckResult Receipt, bool ByPatient, string? BreakGlassReason = null)
{
    public bool IsBreakGlass => Row.Outcome == DecisionOutcomes.BreakGlass;

    public bool IsRefused => Row.Outcome == DecisionOutcomes.Deny;

    public DateTimeOffset At => DateTimeOffset.FromUnixTimeMilliseconds(Row.AtMs);

    /// <summary>The access's actions and purposes that have words in PatientPortalText (WhatRead, PurposeTREAT, …).</summary>
    public static readonly string[] Actions = ["read", "write", "delete"];

    public static readonly string[] Purposes = ["TREAT", "ETREAT", "HPAYMT", "HOPERAT", "HRESCH", "PATRQT", "self"];

    /// <summary>The action in plain words, in the request's language.</summary>
    public string What => (Row.Action, Row.Outcome) switch
    {
        (var action, DecisionOutcomes.Deny) => Actions.Contains(action) ? PatientPortalText.Get("WhatRefused" + Key(action)) : PatientPortalText.Get("WhatRefusedOther", action),
        ("read", DecisionOutcomes.BreakGlass) => PatientPortalText.Get("WhatBreakGlass"),
        (var action, _) => Actions.Contains(action) ? PatientPortalText.Get("What" + Key(action)) : action,
    };

    /// <summary>HL7 PurposeOfUse codes in plain words; anything else as written.</summary>
    public string Purpose => Row.Purpose switch
    {
        null => PatientPortalText.Get("PurposeNotStated"),
        var code when Purposes.Contains(code) => PatientPortalText.Get("Purpose" + code),
        var other => other,
    };

    // read -> Read: the resource key's spelling of an action.
    private static string Key(string action) => char.ToUpperInvariant(action[0]) + action[1..];
}
