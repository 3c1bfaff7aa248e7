using System.Buffers.Text;
using Platform.RecordVault.Data;

namespace Platform.RecordVault.Api;

/// <summary>
/// What opens a v2 access event on the ledger (docs/ledger-receipts.md, "Openings"): the event's secret and the
/// values it blinds. With the receipt the patient proves HMAC(salt, subject) = the entry's <c>subject</c>,
/// HMAC(salt, actor) = its <c>actor</c> and HMAC(salt, recordHash) = its <c>recordHash</c>. Null for v1 entries.
/// </summary>
public sealed record AccessOpening(string Format, string Salt, string Subject, string Actor, string RecordHash)
{
    public const string FormatName = "platform.ledger-opening.v1";

    public static AccessOpening? From(AccessLogRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return row.LedgerSalt is null ? null : new AccessOpening(FormatName, Base64Url.EncodeToString(row.LedgerSalt), row.Patient, row.Actor, row.RecordHash);
    }
}
