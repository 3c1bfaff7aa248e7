using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Platform.Identity.Vci;

/// <summary>
/// Registers the public client that stands for anonymous wallets (<see cref="PreAuthorizedCodeGrant.AnonymousWalletClientId"/>):
/// the token endpoint with the pre-authorized code grant and nothing else (no redirect URIs, no other grant, no scope
/// to ask for), so treating a missing <c>client_id</c> as this client opens no other door.
/// </summary>
public sealed class AnonymousWalletClientSeeder(IServiceScopeFactory scopes) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await SeedAsync(cancellationToken);
                return;
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // Replicas starting together race to insert the same client; the loser finds it on the next try.
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), cancellationToken);
            }
        }
    }

    private async Task SeedAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = PreAuthorizedCodeGrant.AnonymousWalletClientId,
            ClientType = ClientTypes.Public,
            ConsentType = ConsentTypes.Implicit,
            DisplayName = "Wallets (OpenID4VCI pre-authorized code, anonymous)",
            Permissions = { Permissions.Endpoints.Token, Permissions.Prefixes.GrantType + PreAuthorizedCodeGrant.GrantType },
        };
        if (await applications.FindByClientIdAsync(descriptor.ClientId, cancellationToken) is { } existing)
        {
            await applications.UpdateAsync(existing, descriptor, cancellationToken);
        }
        else
        {
            await applications.CreateAsync(descriptor, cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
