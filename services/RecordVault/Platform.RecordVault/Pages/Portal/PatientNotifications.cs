using Microsoft.EntityFrameworkCore;
using Platform.Contracts.Decisions;
using Platform.RecordVault.Access;
using Platform.RecordVault.Data;
using Platform.RecordVault.Records;
using Platform.RecordVault.Text;

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
            .Where(a => a.Patient == patient && (a.Outcome == DecisionOutcomes.BreakGlass || (a.Action == "delete" && a.Reason == RecordStore.AdminErasureReason)))
            .OrderByDescending(a => a.AtMs).ToListAsync(cancellationToken);
        var fromLog = rows.Select(row => row.Outcome == DecisionOutcomes.BreakGlass
                ? new PatientNotification(PatientNotification.BreakGlass, At(row), PatientPortalText.Get("NoticeBreakGlassTitle"),
                    reasons.Unprotect(row.ProtectedBreakGlassReason) is { } reason
                        ? PatientPortalText.Get("NoticeBreakGlassWithReason", row.Actor, reason)
                        : PatientPortalText.Get("NoticeBreakGlass", row.Actor),
                    row.EventId, row.RecordId)
                : new PatientNotification(PatientNotification.AdminErasure, At(row), PatientPortalText.Get("NoticeAdminErasureTitle"),
                    PatientPortalText.Get("NoticeAdminErasure", row.Actor),
                    row.EventId, row.RecordId))
            .ToList();
        var notices = await db.PatientNotices.AsNoTracking().Where(n => n.Patient == patient).ToListAsync(cancellationToken);
        return [.. fromLog.Concat(notices.Select(Revoked)).OrderByDescending(n => n.At)];
    }

    private static PatientNotification Revoked(PatientNoticeRow notice) =>
        new(PatientNotification.CredentialRevoked, DateTimeOffset.FromUnixTimeMilliseconds(notice.AtMs), PatientPortalText.Get("NoticeRevokedTitle"),
            PatientPortalText.Get("NoticeRevoked", RevocationReasons.Describe(notice.Code)),
            notice.Id, null);

    private static DateTimeOffset At(AccessLogRow row) => DateTimeOffset.FromUnixTimeMilliseconds(row.AtMs);
}
