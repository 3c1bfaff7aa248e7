using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Platform.Identity.Accounts;

/// <summary>
/// Creates the roles at start and, when <c>Identity:Demo:Enabled</c> is true (the dev host; the chart only for its
/// end-to-end journey, <c>development.demoAccounts</c>), the demo accounts documented in README. Never enable the
/// demo accounts in a deployment anyone relies on: their passwords are public.
/// </summary>
public sealed class AccountSeeder(IServiceScopeFactory scopes, IConfiguration configuration, TimeProvider time) : IHostedService
{
    /// <summary>The demo TOTP secret (base32) shared by the demo clinician, reviewer and admin; public by design.</summary>
    public const string DemoTotpSecret = "OBWGC5DGN5ZG2LLEMVWW6LLUN52HALJB";

    public static readonly IReadOnlyList<DemoAccount> DemoAccounts =
    [
        new("patient@demo.local", "Pat Patient", "demo-patient-password", PlatformRoles.Patient, null),
        new("clinician@demo.local", "Dr Casey Clinician", "demo-clinician-password", PlatformRoles.Clinician, "GMC-7654321"),
        new("reviewer@demo.local", "Robin Reviewer", "demo-reviewer-password", PlatformRoles.KycReviewer, null),
        new("admin@demo.local", "Alex Admin", "demo-admin-password", PlatformRoles.Admin, null),
    ];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var role in PlatformRoles.All)
        {
            await EnsureRoleAsync(role);
        }
        using var scope = scopes.CreateScope();
        if (!configuration.GetValue("Identity:Demo:Enabled", false))
        {
            return;
        }
        foreach (var demo in DemoAccounts)
        {
            await EnsureDemoAccountAsync(scope.ServiceProvider, demo, time.GetUtcNow());
        }
    }

    /// <summary>
    /// Creates a demo account unless its e-mail exists (so a restart seeds nothing twice): e-mail confirmed, the role,
    /// the public TOTP secret when it has a second factor, a clinician activated. Returns the account.
    /// </summary>
    public static async Task<PlatformUser> EnsureDemoAccountAsync(IServiceProvider scoped, DemoAccount demo, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(scoped);
        ArgumentNullException.ThrowIfNull(demo);
        var users = scoped.GetRequiredService<UserManager<PlatformUser>>();
        if (await users.FindByEmailAsync(demo.Email) is { } existing)
        {
            return existing;
        }
        var user = new PlatformUser
        {
            UserName = demo.Email,
            Email = demo.Email,
            EmailConfirmed = true,
            DisplayName = demo.DisplayName,
            LicenceNumber = demo.Licence,
        };
        if (demo.Role == PlatformRoles.Clinician)
        {
            user.ClinicianActivatedAt = now;
            user.ClinicianActivatedBy = "demo-seed";
        }
        if (demo.HasSecondFactor)
        {
            user.ProtectedTotpSecret = scoped.GetRequiredService<TotpSecretProtector>().Protect(Base32.Decode(DemoTotpSecret));
            user.TwoFactorEnabled = true;
        }
        var created = await users.CreateAsync(user, demo.Password);
        if (!created.Succeeded)
        {
            throw new InvalidOperationException($"Demo account {demo.Email} could not be created: {string.Join("; ", created.Errors.Select(e => e.Description))}");
        }
        await users.AddToRoleAsync(user, demo.Role);
        return user;
    }

    /// <summary>
    /// Creates a role unless it exists. Replicas starting together on a fresh database race for the same role: the
    /// loser's insert hits the unique index, and the role the winner created is all it needed. Each attempt has its
    /// own scope, so a failed insert is not retried by a later save of the same context.
    /// </summary>
    private async Task EnsureRoleAsync(string role)
    {
        using (var scope = scopes.CreateScope())
        {
            var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
            if (await roles.RoleExistsAsync(role))
            {
                return;
            }
            try
            {
                await roles.CreateAsync(new IdentityRole(role));
                return;
            }
            catch (DbUpdateException)
            {
                // Checked below in a fresh context: created by another replica, or a real failure.
            }
        }
        using var check = scopes.CreateScope();
        if (!await check.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>().RoleExistsAsync(role))
        {
            throw new InvalidOperationException($"The role {role} could not be created.");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <param name="SecondFactor">A TOTP second factor although the role does not require one (the dev host's researcher, a patient who acts for an organisation).</param>
public sealed record DemoAccount(string Email, string DisplayName, string Password, string Role, string? Licence, bool SecondFactor = false)
{
    /// <summary>Signs in with the demo TOTP secret: every role that requires a second factor, and accounts that ask for one.</summary>
    public bool HasSecondFactor => SecondFactor || AccountGate.SecondFactorRoles.Contains(Role);
}
