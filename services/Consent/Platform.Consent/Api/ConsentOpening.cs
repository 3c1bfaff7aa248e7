using System.Buffers.Text;
using Platform.Consent.Data;

namespace Platform.Consent.Api;

/// <summary>
/// What opens a v2 consent event on the ledger for its patient (docs/ledger-receipts.md, "Openings"): the
/// consent's secret, the patient's pseudonym and the version's exact canonical form. With the receipt it proves
/// HMAC(salt, canonicalForm) = the entry's <c>consentHash</c> and HMAC(salt, subject) = its <c>subject</c>.
/// Shown only to the patient; anyone they give it to can link that one consent's entries to them.
/// </summary>
public sealed record ConsentOpening(string Format, string Salt, string Subject, string CanonicalForm)
{
    public const string FormatName = "platform.ledger-opening.v1";

    public static ConsentOpening? From(ConsentVersionRow row, string subject)
    {
        ArgumentNullException.ThrowIfNull(row);
        return row.LedgerSalt is null ? null : new ConsentOpening(FormatName, Base64Url.EncodeToString(row.LedgerSalt), subject, row.Snapshot);
    }
}
