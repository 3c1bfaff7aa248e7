using Platform.RecordVault.Data;

namespace Platform.RecordVault.Pages.Portal;

/// <summary>
/// One access to the patient's records as the access-log page shows it: who, why, when, the receipt's state, and for
/// break-glass the clinician's reason (decrypted for this page).
/// </summary>
public sealed record AccessLogEntry(AccessLogRow Row, ReceiptCheckResult Receipt, bool ByPatient, string? BreakGlassReason = null)
{
    public bool IsBreakGlass => Row.Outcome == "break-glass";

    public bool IsRefused => Row.Outcome == "deny";

    public DateTimeOffset At => DateTimeOffset.FromUnixTimeMilliseconds(Row.AtMs);

    /// <summary>The action in plain words.</summary>
    public string What => (Row.Action, Row.Outcome) switch
    {
        (_, "deny") => $"tried to {Verb(Row.Action)} and was refused",
        ("read", "break-glass") => "read in an emergency (break-glass)",
        (var action, _) => Past(action),
    };

    /// <summary>HL7 PurposeOfUse codes in plain words; anything else as written.</summary>
    public string Purpose => Row.Purpose switch
    {
        "TREAT" => "treatment",
        "ETREAT" => "emergency treatment",
        "HPAYMT" => "payment",
        "HOPERAT" => "healthcare operations",
        "HRESCH" => "research",
        "PATRQT" => "your request",
        "self" => "your own",
        null => "not stated",
        var other => other,
    };

    private static string Verb(string action) => action switch { "read" => "read", "write" => "change", "delete" => "erase", _ => action };

    private static string Past(string action) => action switch { "read" => "read", "write" => "changed", "delete" => "erased", _ => action };
}
