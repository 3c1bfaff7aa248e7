using Platform.Identity.Testing;

namespace Platform.Identity.Tests;

/// <summary>One identity service (SQLite) shared by a test class; each test makes its own accounts.</summary>
public sealed class IdentityServerFixture : IAsyncLifetime
{
    public IdentityServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await IdentityServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
