using System.Diagnostics.CodeAnalysis;

namespace Platform.Consent.Core;

/// <summary>
/// Where a clinician's request for access is. Only <see cref="Approved"/> made a consent; a pending request past its
/// expiry counts as <see cref="Expired"/> without anyone having to record it.
/// </summary>
public enum AccessRequestStatus
{
    Pending = 1,
    Approved = 2,
    Declined = 3,
    Expired = 4,
}

/// <summary>Wire codes of <see cref="AccessRequestStatus"/>.</summary>
public static class AccessRequestStatusCodes
{
    public static string ToCode(this AccessRequestStatus status) => status switch
    {
        AccessRequestStatus.Pending => "pending",
        AccessRequestStatus.Approved => "approved",
        AccessRequestStatus.Declined => "declined",
        AccessRequestStatus.Expired => "expired",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Not an access request status."),
    };

    public static bool TryParse(string? code, [NotNullWhen(true)] out AccessRequestStatus? status)
    {
        status = code switch
        {
            "pending" => AccessRequestStatus.Pending,
            "approved" => AccessRequestStatus.Approved,
            "declined" => AccessRequestStatus.Declined,
            "expired" => AccessRequestStatus.Expired,
            _ => null,
        };
        return status is not null;
    }
}
