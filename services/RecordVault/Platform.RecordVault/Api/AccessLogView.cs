using System.Text.Json;
using Platform.RecordVault.Access;
using Platform.RecordVault.Data;

namespace Platform.RecordVault.Api;

/// <summary>
/// One entry of a patient's access log, with the signed event, (once committed) the ledger receipt, and the opening
/// that lets the patient prove the blinded ledger entry is about them (<c>ledger verify --opening</c>); a break-glass
/// entry carries the clinician's reason, decrypted for the patient.
/// </summary>
public sealed record AccessLogView(
    Guid EventId, Guid RecordId, int? Version, string Actor, string Action, string Outcome, string? Purpose, string? Reason, string? BreakGlassReason,
    Guid DecisionId, string RecordHash, DateTimeOffset At, string SignedEvent, long? LeafIndex, JsonElement? Receipt, AccessOpening? Opening)
{
    public static AccessLogView From(AccessLogRow row, BreakGlassReasonProtector reasons)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(reasons);
        return new AccessLogView(row.EventId, row.RecordId, row.Version, row.Actor, row.Action, row.Outcome, row.Purpose, row.Reason,
            reasons.Unprotect(row.ProtectedBreakGlassReason),
            row.DecisionId, row.RecordHash, DateTimeOffset.FromUnixTimeMilliseconds(row.AtMs), row.SignedEvent, row.LeafIndex,
            row.Receipt is null ? null : JsonDocument.Parse(row.Receipt).RootElement.Clone(), AccessOpening.From(row));
    }
}
