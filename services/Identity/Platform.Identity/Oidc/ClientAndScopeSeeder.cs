using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenIddict.Abstractions;

namespace Platform.Identity.Oidc;

/// <summary>
/// At start: registers the API scopes (with the audience each maps to) and the clients listed under
/// <c>Identity:Clients</c>. Clients added through the admin API are left alone. Replicas starting together on a
/// fresh database race to insert the same rows (unique names); the loser sees a unique violation and seeds again,
/// now finding and updating what the winner inserted.
/// </summary>
public sealed class ClientAndScopeSeeder(IServiceScopeFactory scopes, IConfiguration configuration) : IHostedService
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
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), cancellationToken);
            }
        }
    }

    private async Task SeedAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var scopeManager = scope.ServiceProvider.GetRequiredService<IOpenIddictScopeManager>();
        foreach (var (name, (audience, description)) in OidcScopes.Api)
        {
            var descriptor = new OpenIddictScopeDescriptor { Name = name, DisplayName = description, Resources = { audience } };
            if (await scopeManager.FindByNameAsync(name, cancellationToken) is { } existing)
            {
                await scopeManager.UpdateAsync(existing, descriptor, cancellationToken);
            }
            else
            {
                await scopeManager.CreateAsync(descriptor, cancellationToken);
            }
        }

        var registry = scope.ServiceProvider.GetRequiredService<ClientRegistry>();
        foreach (var client in configuration.GetSection("Identity:Clients").Get<List<ClientDefinition>>() ?? [])
        {
            await registry.SaveAsync(client, cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
