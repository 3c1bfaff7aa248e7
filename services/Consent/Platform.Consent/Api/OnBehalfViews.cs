using Platform.Consent.Core;
using Platform.Consent.Data;

namespace Platform.Consent.Api;

/// <summary>A proposal to grant a consent on a patient's behalf as admins see it; <c>status</c> is as of the request.</summary>
public sealed record ProposalView(
    Guid Id,
    string Subject,
    GranteeView Grantee,
    IReadOnlyList<string> Categories,
    IReadOnlyList<string> Purposes,
    IReadOnlyList<string> Actions,
    DateTimeOffset? ValidFrom,
    DateTimeOffset? ValidUntil,
    string Status,
    string ProposedBy,
    string Reason,
    DateTimeOffset ProposedAt,
    DateTimeOffset ExpiresAt,
    string? DecidedBy,
    DateTimeOffset? DecidedAt,
    string? DecisionReason,
    Guid? ConsentId)
{
    public static ProposalView From(OnBehalfProposal proposal, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        return new ProposalView(proposal.Id, proposal.SubjectPseudonym, new GranteeView(proposal.Grantee.Kind.ToCode(), proposal.Grantee.Id),
            proposal.Categories, proposal.Purposes, proposal.Actions, proposal.ValidFrom, proposal.ValidUntil, proposal.StatusAt(now).ToCode(),
            proposal.ProposedBy, proposal.Reason, proposal.ProposedAt, proposal.ExpiresAt, proposal.DecidedBy, proposal.DecidedAt,
            proposal.DecisionReason, proposal.ConsentId);
    }
}

/// <summary>The answer to an approval: the approved proposal and the consent now in force.</summary>
public sealed record ApprovalView(ProposalView Proposal, ConsentView Consent);

/// <summary>How a consent came to be granted on the patient's behalf: the two admins and what each said.</summary>
public sealed record OnBehalfView(Guid ProposalId, string ProposedBy, string ProposalReason, DateTimeOffset ProposedAt,
    string ApprovedBy, string? ApprovalReason, DateTimeOffset ApprovedAt)
{
    public static OnBehalfView From(OnBehalfProposalRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new OnBehalfView(row.Id, row.ProposedBy, row.Reason, DateTimeOffset.FromUnixTimeMilliseconds(row.ProposedAtMs),
            row.DecidedBy ?? "", row.DecisionReason, DateTimeOffset.FromUnixTimeMilliseconds(row.DecidedAtMs ?? row.ProposedAtMs));
    }
}

/// <summary>A notice for the patient: what happened to their consents without them, and how.</summary>
public sealed record NoticeView(Guid Id, string Kind, Guid ConsentId, DateTimeOffset At, string Message, OnBehalfView? OnBehalf)
{
    public static NoticeView From(PatientNoticeRow notice, OnBehalfProposalRow? proposal)
    {
        ArgumentNullException.ThrowIfNull(notice);
        return new NoticeView(notice.Id, notice.Kind, notice.ConsentId, DateTimeOffset.FromUnixTimeMilliseconds(notice.CreatedAtMs),
            MessageFor(notice, proposal), proposal is null ? null : OnBehalfView.From(proposal));
    }

    /// <summary>The sentence the API and the /my/consents page show.</summary>
    public static string MessageFor(PatientNoticeRow notice, OnBehalfProposalRow? proposal)
    {
        ArgumentNullException.ThrowIfNull(notice);
        return proposal is null
            ? $"Consent {notice.ConsentId} was granted on your behalf by administrators."
            : $"Administrators granted {proposal.GranteeKind} {proposal.GranteeId} access to {proposal.Categories.Replace(' ', ',')} "
              + $"for {proposal.Purposes.Replace(' ', ',')} on your behalf (consent {notice.ConsentId}). You can revoke it at any time.";
    }
}
