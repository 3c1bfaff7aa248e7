using Microsoft.EntityFrameworkCore;
using Platform.RecordVault.Data;
using Platform.RecordVault.Records;

namespace Platform.RecordVault.Pages.Portal;

/// <summary>
/// The notifications the vault has a source for, all from the patient's access log (the audit the vault itself
/// writes): a clinician's break-glass read, and an administrator's erasure of a record. Consents granted on the
/// patient's behalf are the consent service's to tell (its <c>/my/consents</c> page lists them); the vault receives
/// no event about a revoked credential, so it cannot tell that yet.
/// </summary>
public sealed class PatientNotifications(RecordVaultDbContext db)
{
    public async Task<IReadOnlyList<PatientNotification>> ForAsync(string patient, CancellationToken cancellationToken)
    {
        var rows = await db.AccessLog.AsNoTracking()
            .Where(a => a.Patient == patient && (a.Outcome == "break-glass" || (a.Action == "delete" && a.Reason == RecordStore.AdminErasureReason)))
            .OrderByDescending(a => a.AtMs).ToListAsync(cancellationToken);
        return rows.Select(row => row.Outcome == "break-glass"
                ? new PatientNotification(PatientNotification.BreakGlass, At(row), "Emergency access to your records",
                    $"Clinician {row.Actor} read one of your records without your consent, declaring an emergency (break-glass). The read is in your access log with its ledger receipt.",
                    row.EventId, row.RecordId)
                : new PatientNotification(PatientNotification.AdminErasure, At(row), "An administrator erased one of your records",
                    $"Administrator {row.Actor} erased a record on a documented request. Its content can no longer be read by anyone.",
                    row.EventId, row.RecordId))
            .ToList();
    }

    private static DateTimeOffset At(AccessLogRow row) => DateTimeOffset.FromUnixTimeMilliseconds(row.AtMs);
}
