using System.Diagnostics.CodeAnalysis;

namespace Platform.Consent.Core;

/// <summary>
/// Where a proposal to grant a consent on a patient's behalf is. Only <see cref="Approved"/> made a consent; a
/// pending proposal past its expiry counts as <see cref="Expired"/> without anyone having to record it.
/// </summary>
public enum ProposalStatus
{
    Pending = 1,
    Approved = 2,
    Rejected = 3,
    Expired = 4,
}

/// <summary>Wire codes of <see cref="ProposalStatus"/>.</summary>
public static class ProposalStatusCodes
{
    public static string ToCode(this ProposalStatus status) => status switch
    {
        ProposalStatus.Pending => "pending",
        ProposalStatus.Approved => "approved",
        ProposalStatus.Rejected => "rejected",
        ProposalStatus.Expired => "expired",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Not a proposal status."),
    };

    public static bool TryParse(string? code, [NotNullWhen(true)] out ProposalStatus? status)
    {
        status = code switch
        {
            "pending" => ProposalStatus.Pending,
            "approved" => ProposalStatus.Approved,
            "rejected" => ProposalStatus.Rejected,
            "expired" => ProposalStatus.Expired,
            _ => null,
        };
        return status is not null;
    }
}
