using Microsoft.AspNetCore.Identity;

namespace Platform.Identity.Accounts;

/// <summary>
/// The authenticator-app second factor behind <see cref="SignInManager{TUser}.TwoFactorAuthenticatorSignInAsync"/>:
/// RFC 6238 codes against the user's encrypted secret; a code whose time step was already used is refused.
/// Identity's own authenticator provider keeps the secret in clear and accepts replays, hence this one.
/// </summary>
public sealed class TotpTokenProvider(TotpSecretProtector secrets, TimeProvider time) : IUserTwoFactorTokenProvider<PlatformUser>
{
    public const string ProviderName = "PlatformTotp";

    public Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<PlatformUser> manager, PlatformUser user) =>
        Task.FromResult(user.ProtectedTotpSecret is not null);

    /// <summary>Codes come from the user's authenticator app, never from the server.</summary>
    public Task<string> GenerateAsync(string purpose, UserManager<PlatformUser> manager, PlatformUser user) =>
        Task.FromResult(string.Empty);

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<PlatformUser> manager, PlatformUser user)
    {
        ArgumentNullException.ThrowIfNull(manager);
        ArgumentNullException.ThrowIfNull(user);
        if (user.ProtectedTotpSecret is null)
        {
            return false;
        }
        var secret = secrets.Unprotect(user.ProtectedTotpSecret);
        var step = Totp.Verify(secret, token?.Replace(" ", "", StringComparison.Ordinal), time.GetUtcNow());
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(secret);
        if (step is null || step <= user.LastTotpTimeStep)
        {
            return false;
        }
        user.LastTotpTimeStep = step.Value;
        // The concurrency stamp makes a second sign-in racing with the same code fail to save.
        return (await manager.UpdateAsync(user)).Succeeded;
    }
}
