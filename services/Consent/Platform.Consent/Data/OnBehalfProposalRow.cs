using Platform.Consent.Core;

namespace Platform.Consent.Data;

/// <summary>
/// A proposal to grant a consent on a patient's behalf, as stored (times in Unix milliseconds, sets space-separated,
/// like <see cref="ConsentRow"/>). <see cref="Status"/> is the concurrency token: of two admins approving at once,
/// one wins and the other gets a conflict, so a proposal makes at most one consent.
/// </summary>
public sealed class OnBehalfProposalRow
{
    public Guid Id { get; set; }
    public string Subject { get; set; } = "";
    public string GranteeKind { get; set; } = "";
    public string GranteeId { get; set; } = "";
    public string Categories { get; set; } = "";
    public string Purposes { get; set; } = "";
    public string Actions { get; set; } = "";
    public long? ValidFromMs { get; set; }
    public long? ValidUntilMs { get; set; }
    public string ProposedBy { get; set; } = "";
    public string Reason { get; set; } = "";
    public long ProposedAtMs { get; set; }
    public long ExpiresAtMs { get; set; }
    public string Status { get; set; } = "";
    public string? DecidedBy { get; set; }
    public long? DecidedAtMs { get; set; }
    public string? DecisionReason { get; set; }
    public Guid? ConsentId { get; set; }

    public static OnBehalfProposalRow From(OnBehalfProposal proposal)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        var row = new OnBehalfProposalRow { Id = proposal.Id };
        row.CopyFrom(proposal);
        return row;
    }

    public void CopyFrom(OnBehalfProposal proposal)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        Subject = proposal.SubjectPseudonym;
        GranteeKind = proposal.Grantee.Kind.ToCode();
        GranteeId = proposal.Grantee.Id;
        Categories = string.Join(' ', proposal.Categories);
        Purposes = string.Join(' ', proposal.Purposes);
        Actions = string.Join(' ', proposal.Actions);
        ValidFromMs = proposal.ValidFrom?.ToUnixTimeMilliseconds();
        ValidUntilMs = proposal.ValidUntil?.ToUnixTimeMilliseconds();
        ProposedBy = proposal.ProposedBy;
        Reason = proposal.Reason;
        ProposedAtMs = proposal.ProposedAt.ToUnixTimeMilliseconds();
        ExpiresAtMs = proposal.ExpiresAt.ToUnixTimeMilliseconds();
        Status = proposal.Status.ToCode();
        DecidedBy = proposal.DecidedBy;
        DecidedAtMs = proposal.DecidedAt?.ToUnixTimeMilliseconds();
        DecisionReason = proposal.DecisionReason;
        ConsentId = proposal.ConsentId;
    }

    public OnBehalfProposal ToProposal()
    {
        if (!GranteeKindCodes.TryParse(GranteeKind, out var kind) || !ProposalStatusCodes.TryParse(Status, out var status))
        {
            throw new InvalidDataException($"Proposal {Id} has an unknown grantee kind or status.");
        }
        return new OnBehalfProposal
        {
            Id = Id,
            SubjectPseudonym = Subject,
            Grantee = new Grantee(kind.Value, GranteeId),
            Categories = Split(Categories),
            Purposes = Split(Purposes),
            Actions = Split(Actions),
            ValidFrom = Time(ValidFromMs),
            ValidUntil = Time(ValidUntilMs),
            ProposedBy = ProposedBy,
            Reason = Reason,
            ProposedAt = DateTimeOffset.FromUnixTimeMilliseconds(ProposedAtMs),
            ExpiresAt = DateTimeOffset.FromUnixTimeMilliseconds(ExpiresAtMs),
            Status = status.Value,
            DecidedBy = DecidedBy,
            DecidedAt = Time(DecidedAtMs),
            DecisionReason = DecisionReason,
            ConsentId = ConsentId,
        };
    }

    private static string[] Split(string codes) => codes.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static DateTimeOffset? Time(long? ms) => ms is { } value ? DateTimeOffset.FromUnixTimeMilliseconds(value) : null;
}
