using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Platform.Identity.Accounts;

namespace Platform.Identity.Testing;

/// <summary>A fresh account per test (so lockout and TOTP replay state never leak between tests).</summary>
public sealed record TestAccount(string Id, string Email, string Password, byte[]? TotpSecret)
{
    private long _lastStep;

    /// <summary>
    /// A TOTP code for a time step this account has not used yet (the server refuses replays); the server accepts
    /// one step ahead for clock drift, so a test can sign in twice within one 30-second window.
    /// </summary>
    public string NextCode()
    {
        var step = Math.Max(Totp.TimeStep(DateTimeOffset.UtcNow), _lastStep + 1);
        _lastStep = step;
        return Totp.Compute(TotpSecret!, step);
    }
}

public static class TestAccounts
{
    public static async Task<TestAccount> CreateAsync(
        IServiceProvider services, string role, bool enrolTotp = true, bool activated = true, string? licence = "LIC-0001")
    {
        using var scope = services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PlatformUser>>();
        var email = $"{role}-{Guid.NewGuid():N}@test.local";
        var password = "correct horse battery " + Guid.NewGuid().ToString("N")[..6];
        var user = new PlatformUser
        {
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = "Test " + role,
            LicenceNumber = role == PlatformRoles.Clinician ? licence : null,
            ClinicianActivatedAt = role == PlatformRoles.Clinician && activated ? DateTimeOffset.UtcNow : null,
        };
        byte[]? secret = null;
        if (enrolTotp)
        {
            secret = Totp.NewSecret();
            user.ProtectedTotpSecret = scope.ServiceProvider.GetRequiredService<TotpSecretProtector>().Protect(secret);
            user.TwoFactorEnabled = true;
        }
        var created = await users.CreateAsync(user, password);
        Assert.True(created.Succeeded, string.Join("; ", created.Errors.Select(e => e.Description)));
        await users.AddToRoleAsync(user, role);
        return new TestAccount(user.Id, email, password, secret);
    }
}
