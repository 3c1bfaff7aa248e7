using Microsoft.EntityFrameworkCore;
using Platform.Consent.Data;

namespace Platform.Consent.Api;

/// <summary>Reads a patient's notices with the proposals behind them (shared by the API and the /my/consents page).</summary>
public static class PatientNotices
{
    public static async Task<IReadOnlyList<NoticeView>> ForAsync(ConsentDbContext db, string patient, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var notices = await db.PatientNotices.AsNoTracking().Where(n => n.Patient == patient)
            .OrderByDescending(n => n.CreatedAtMs).Take(100).ToListAsync(cancellationToken);
        var proposalIds = notices.Where(n => n.ProposalId is not null).Select(n => n.ProposalId!.Value).ToList();
        var proposals = await db.OnBehalfProposals.AsNoTracking().Where(p => proposalIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, cancellationToken);
        return [.. notices.Select(n => NoticeView.From(n, n.ProposalId is { } id ? proposals.GetValueOrDefault(id) : null))];
    }

    /// <summary>For each consent granted on behalf among <paramref name="consentIds"/>, how (for the consent views).</summary>
    public static async Task<IReadOnlyDictionary<Guid, OnBehalfView>> OnBehalfAsync(ConsentDbContext db, IReadOnlyCollection<Guid> consentIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var rows = await db.OnBehalfProposals.AsNoTracking().Where(p => p.ConsentId != null && consentIds.Contains(p.ConsentId.Value)).ToListAsync(cancellationToken);
        return rows.ToDictionary(r => r.ConsentId!.Value, OnBehalfView.From);
    }
}
