using Microsoft.EntityFrameworkCore;
using Platform.RecordVault.Access;
using Platform.RecordVault.Data;
using Platform.RecordVault.Records;

namespace Platform.RecordVault.Pages.Portal;

/// <summary>
/// The notifications the vault has a source for: from the patient's access log (the audit the vault itself writes), a
/// clinician's break-glass read and an administrator's erasure of a record; from the identity service's
/// identity.revoked event, a revoked credential (<see cref="PatientNoticeRow"/>). Consents granted on the patient's
/// behalf are the consent service's to tell (its <c>/my/consents</c> page lists them). Newest first.
/// </summary>
public sealed class PatientNotifications(RecordVaultDbContext db, BreakGlassReasonProtector reasons)
{
    public async Task<IReadOnlyList<PatientNotification>> ForAsync(string patient, CancellationToken cancellationToken)
    {
        var rows = await db.AccessLog.AsNoTracking()
            .Where(a => a.Patient == patient && (a.Outcome == "break-glass" || (a.Action == "delete" && a.Reason == RecordStore.AdminErasureReason)))
            .OrderByDescending(a => a.AtMs).ToListAsync(cancellationToken);
        var fromLog = rows.Select(row => row.Outcome == "break-glass"
                ? new PatientNotification(PatientNotification.BreakGlass, At(row), "Emergency access to your records",
                    $"Clinician {row.Actor} read one of your records without your consent, declaring an emergency (break-glass){ReasonOf(row)}. The read is in your access log with its ledger receipt.",
                    row.EventId, row.RecordId)
                : new PatientNotification(PatientNotification.AdminErasure, At(row), "An administrator erased one of your records",
                    $"Administrator {row.Actor} erased a record on a documented request. Its content can no longer be read by anyone.",
                    row.EventId, row.RecordId))
            .ToList();
        var notices = await db.PatientNotices.AsNoTracking().Where(n => n.Patient == patient).ToListAsync(cancellationToken);
        return [.. fromLog.Concat(notices.Select(Revoked)).OrderByDescending(n => n.At)];
    }

    private static PatientNotification Revoked(PatientNoticeRow notice) =>
        new(PatientNotification.CredentialRevoked, DateTimeOffset.FromUnixTimeMilliseconds(notice.AtMs), "Your identity credential was revoked",
            $"The identity service revoked your verified-identity credential ({RevocationReasons.Describe(notice.Code)}). Wallets and services that check it now refuse it, "
            + "and any access to other people's records that was given to you is suspended. To get a new credential, verify your identity again.",
            notice.Id, null);

    private string ReasonOf(AccessLogRow row) => reasons.Unprotect(row.ProtectedBreakGlassReason) is { } reason ? $", and gave this reason: \u201C{reason}\u201D" : "";

    private static DateTimeOffset At(AccessLogRow row) => DateTimeOffset.FromUnixTimeMilliseconds(row.AtMs);
}
