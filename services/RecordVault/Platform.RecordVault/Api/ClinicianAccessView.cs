using Platform.RecordVault.Access;
using Platform.RecordVault.Data;

namespace Platform.RecordVault.Api;

/// <summary>One of a clinician's own accesses (<c>GET /access-log/mine</c>), with the reason they gave for a break-glass access; <c>committed</c> once the ledger holds its event.</summary>
public sealed record ClinicianAccessView(
    Guid EventId, Guid RecordId, string Patient, string Action, string Outcome, string? Purpose, string? Reason, string? BreakGlassReason, DateTimeOffset At, bool Committed)
{
    public static ClinicianAccessView From(AccessLogRow row, BreakGlassReasonProtector reasons)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(reasons);
        return new ClinicianAccessView(row.EventId, row.RecordId, row.Patient, row.Action, row.Outcome, row.Purpose, row.Reason, reasons.Unprotect(row.ProtectedBreakGlassReason),
            DateTimeOffset.FromUnixTimeMilliseconds(row.AtMs), row.LeafIndex is not null);
    }
}
