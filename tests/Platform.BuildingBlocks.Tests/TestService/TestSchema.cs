using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.ServiceDefaults;

namespace Platform.BuildingBlocks.Tests.TestService;

/// <summary>
/// The test service's schema: a test context has no migrations (the real services' migrations are tested in
/// Platform.Services.Tests), so it is created from the model, in the place of the start-up migration step so that
/// it still runs before the outbox relay.
/// </summary>
public sealed class TestSchema(IServiceProvider services) : IHostedService
{
    public static void ReplaceMigrationStep(IServiceCollection collection)
    {
        var index = collection.ToList().FindIndex(d =>
            d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(DatabaseInitializer<TestDbContext>));
        collection[index] = ServiceDescriptor.Singleton<IHostedService, TestSchema>();
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TestDbContext>();
        await db.Database.EnsureCreatedAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
