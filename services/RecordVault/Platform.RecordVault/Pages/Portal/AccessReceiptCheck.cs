using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Platform.Crypto.Jose;
using Platform.Ledger.Verification;
using Platform.RecordVault.Api;
using Platform.RecordVault.Data;

namespace Platform.RecordVault.Pages.Portal;

/// <summary>
/// The "verified" mark of the access log: the checks <c>ledger verify --keys … --opening …</c> makes, run with the
/// ledger's own verification library — the receipt's entry is the signed event this access-log entry holds, the
/// audit path leads to a checkpoint signed by a majority of the trusted replica keys (<see cref="ReplicaKeySource"/>),
/// and the opening shows the blinded entry is about this patient, this actor and this record version.
/// </summary>
public sealed class AccessReceiptCheck(ReplicaKeySource keys)
{
    public async Task<ReceiptCheckResult> CheckAsync(AccessLogRow row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (row.Receipt is null)
        {
            return new(ReceiptState.Awaiting, "The ledger has not committed this entry yet.");
        }
        Receipt? receipt;
        try
        {
            receipt = JsonSerializer.Deserialize<Receipt>(row.Receipt, JsonSerializerOptions.Web);
        }
        catch (JsonException)
        {
            receipt = null;
        }
        if (receipt is null)
        {
            return new(ReceiptState.Failed, "The stored receipt is not a receipt.");
        }
        if (StrictBase64Url.TryDecode(receipt.Entry) is not { } entry || Encoding.ASCII.GetString(entry) != row.SignedEvent)
        {
            return new(ReceiptState.Failed, "The receipt is for another entry than this access's signed event.");
        }
        if (await keys.TrustedKeysAsync(cancellationToken) is not { Count: > 0 } trusted)
        {
            return new(ReceiptState.Failed, "The ledger's replica keys could not be fetched, so the receipt was not checked.");
        }
        var included = ReceiptVerifier.Verify(receipt, trusted);
        if (!included.IsValid)
        {
            return new(ReceiptState.Failed, included.Reason);
        }
        if (AccessOpening.From(row) is not { } opening)
        {
            return new(ReceiptState.Verified, included.Reason);
        }
        var opened = OpeningVerifier.Verify(receipt, Opening(opening));
        return opened.IsValid ? new(ReceiptState.Verified, included.Reason + " " + opened.Reason) : new(ReceiptState.Failed, opened.Reason);
    }

    /// <summary>The opening in the verifier's own type: the same JSON the patient downloads for <c>ledger verify --opening</c>.</summary>
    public static Opening Opening(AccessOpening opening)
    {
        ArgumentNullException.ThrowIfNull(opening);
        return new Opening(opening.Format, opening.Salt, opening.Subject, Actor: opening.Actor, RecordHash: opening.RecordHash);
    }
}
