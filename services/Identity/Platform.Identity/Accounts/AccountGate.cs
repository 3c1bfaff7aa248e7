using Microsoft.AspNetCore.Identity;

namespace Platform.Identity.Accounts;

/// <summary>Why an account may not receive tokens right now, checked at sign-in, at authorization and at every refresh.</summary>
public enum AccountGateResult
{
    Allowed,
    LockedOut,
    EmailNotConfirmed,
    ClinicianNotActivated,
    SecondFactorNotEnrolled,
}

/// <summary>
/// Rules every token issuance passes: confirmed e-mail, not locked out, clinicians activated, and a TOTP second
/// factor enrolled for the privileged roles (clinician, kyc-reviewer, admin).
/// </summary>
public sealed class AccountGate(UserManager<PlatformUser> users)
{
    public static readonly string[] SecondFactorRoles = [PlatformRoles.Clinician, PlatformRoles.KycReviewer, PlatformRoles.Admin];

    public async Task<AccountGateResult> CheckAsync(PlatformUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (await users.IsLockedOutAsync(user))
        {
            return AccountGateResult.LockedOut;
        }
        if (!user.EmailConfirmed)
        {
            return AccountGateResult.EmailNotConfirmed;
        }
        var roles = await users.GetRolesAsync(user);
        if (roles.Contains(PlatformRoles.Clinician) && user.ClinicianActivatedAt is null)
        {
            return AccountGateResult.ClinicianNotActivated;
        }
        if (roles.Any(SecondFactorRoles.Contains) && !(user.TwoFactorEnabled && user.ProtectedTotpSecret is not null))
        {
            return AccountGateResult.SecondFactorNotEnrolled;
        }
        return AccountGateResult.Allowed;
    }

    /// <summary>
    /// The gate for one token request: a clinician still waiting for activation may sign in for identity
    /// verification only (the <c>kyc</c> scope and the OpenID scopes), since a verified KYC result activates them.
    /// </summary>
    public async Task<AccountGateResult> CheckAsync(PlatformUser user, IEnumerable<string> scopes)
    {
        var result = await CheckAsync(user);
        return result == AccountGateResult.ClinicianNotActivated && scopes.All(VerificationOnlyScopes.Contains)
            ? AccountGateResult.Allowed
            : result;
    }

    private static readonly HashSet<string> VerificationOnlyScopes = new(StringComparer.Ordinal) { "openid", "profile", "email", "kyc" };

    public async Task<bool> RequiresSecondFactorAsync(PlatformUser user) =>
        (await users.GetRolesAsync(user)).Any(SecondFactorRoles.Contains);
}
