using Microsoft.AspNetCore.Identity;
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
        using var scope = scopes.CreateScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in PlatformRoles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                await roles.CreateAsync(new IdentityRole(role));
            }
        }
        if (!configuration.GetValue("Identity:Demo:Enabled", false))
        {
            return;
        }
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PlatformUser>>();
        var secrets = scope.ServiceProvider.GetRequiredService<TotpSecretProtector>();
        foreach (var demo in DemoAccounts)
        {
            if (await users.FindByEmailAsync(demo.Email) is not null)
            {
                continue;
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
                user.ClinicianActivatedAt = time.GetUtcNow();
                user.ClinicianActivatedBy = "demo-seed";
            }
            if (AccountGate.SecondFactorRoles.Contains(demo.Role))
            {
                user.ProtectedTotpSecret = secrets.Protect(Base32.Decode(DemoTotpSecret));
                user.TwoFactorEnabled = true;
            }
            var created = await users.CreateAsync(user, demo.Password);
            if (!created.Succeeded)
            {
                throw new InvalidOperationException($"Demo account {demo.Email} could not be created: {string.Join("; ", created.Errors.Select(e => e.Description))}");
            }
            await users.AddToRoleAsync(user, demo.Role);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

public sealed record DemoAccount(string Email, string DisplayName, string Password, string Role, string? Licence);
