using System.Diagnostics.CodeAnalysis;

namespace Platform.Consent.Core;

/// <summary>The wire codes of <see cref="ConsentStatus"/> (also the names used in the consent hash).</summary>
public static class ConsentStatusCodes
{
    public const string Active = "active";
    public const string Revoked = "revoked";
    public const string Expired = "expired";
    public const string Suspended = "suspended";

    public static string ToCode(this ConsentStatus status) => status switch
    {
        ConsentStatus.Active => Active,
        ConsentStatus.Revoked => Revoked,
        ConsentStatus.Expired => Expired,
        ConsentStatus.Suspended => Suspended,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Not a consent status."),
    };

    public static bool TryParse(string? code, [NotNullWhen(true)] out ConsentStatus? status)
    {
        status = code switch
        {
            Active => ConsentStatus.Active,
            Revoked => ConsentStatus.Revoked,
            Expired => ConsentStatus.Expired,
            Suspended => ConsentStatus.Suspended,
            _ => null,
        };
        return status is not null;
    }
}
