using System.Diagnostics.CodeAnalysis;

namespace Platform.Consent.Core;

/// <summary>
/// The codes of <see cref="ConsentAction"/>, and the action each change is recorded under on the ledger.
/// </summary>
public static class ConsentActionCodes
{
    public const string Grant = "grant";
    public const string Narrow = "narrow";
    public const string Revoke = "revoke";
    public const string Expire = "expire";
    public const string Suspend = "suspend";

    public static string ToCode(this ConsentAction action) => action switch
    {
        ConsentAction.Grant => Grant,
        ConsentAction.Narrow => Narrow,
        ConsentAction.Revoke => Revoke,
        ConsentAction.Expire => Expire,
        ConsentAction.Suspend => Suspend,
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, "Not a consent action."),
    };

    /// <summary>
    /// The action named in the signed event. The ledger contract knows grant, narrow, revoke and expire only;
    /// a suspension is recorded as <c>revoke</c> because, for anyone verifying the ledger, it has the same effect
    /// (the consent stops permitting, for good). The snapshot's status (<c>suspended</c>) is inside the consent hash,
    /// so the distinction is still committed.
    /// </summary>
    public static string ToLedgerAction(this ConsentAction action) =>
        action == ConsentAction.Suspend ? Revoke : action.ToCode();

    public static bool TryParse(string? code, [NotNullWhen(true)] out ConsentAction? action)
    {
        action = code switch
        {
            Grant => ConsentAction.Grant,
            Narrow => ConsentAction.Narrow,
            Revoke => ConsentAction.Revoke,
            Expire => ConsentAction.Expire,
            Suspend => ConsentAction.Suspend,
            _ => null,
        };
        return action is not null;
    }
}
