using Microsoft.EntityFrameworkCore;
using Platform.ServiceDefaults;

namespace Platform.Services.Tests.Migrations;

/// <summary>
/// Fails when a service's EF Core model has changes that no migration captures, for every context and both
/// providers. When one of these fails you changed a model: add a migration for every set with
/// <c>tests/tools/add-migration.sh NAME</c> (docs/deploy.md#adding-a-migration), review it, commit it.
/// </summary>
public sealed class ModelDriftTests
{
    public static TheoryData<string> Contexts => MigrationContexts.Names();

    [Theory]
    [MemberData(nameof(Contexts))]
    public void The_model_has_no_changes_missing_from_the_migrations(string context)
    {
        using var db = MigrationContexts.CreateForDesign(MigrationContexts.Find(context));

        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(),
            $"{context}: the model has changes that no migration captures. Run `tests/tools/add-migration.sh <Name>` " +
            "(it adds the migration to all eight sets, PostgreSQL and SQLite), review the generated files and commit them.");
    }

    [Fact]
    public void Every_service_context_has_one_migrations_context_per_provider()
    {
        var contexts = MigrationContexts.ServiceContexts.ToList();
        Assert.Equal(4, contexts.Count);
        foreach (var context in contexts)
        {
            foreach (var provider in Enum.GetValues<DatabaseProvider>())
            {
                var migrations = ServiceDatabase.MigrationsContextFor(context, provider);
                Assert.True(migrations != context && migrations.IsSealed,
                    $"{context.Name} has no {provider} migrations context: add `[MigrationsProvider(DatabaseProvider.{provider})] " +
                    $"public sealed class {context.Name.Replace("DbContext", "", StringComparison.Ordinal)}{provider}DbContext` " +
                    "beside the others (Data/Migrations/*ProviderContexts.cs) and list it in tests/tools/add-migration.sh.");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Contexts))]
    public void The_design_time_and_run_time_models_are_the_same(string context)
    {
        // The services build their contexts through ServiceDatabase.UseServiceProvider and dotnet ef through the
        // design-time factory: a model that differed between the two would have its migrations scaffolded from the wrong one.
        var type = MigrationContexts.Find(context);
        using var design = MigrationContexts.CreateForDesign(type);
        using var runtime = MigrationContexts.Create(type, MigrationContexts.ProviderOf(type) == DatabaseProvider.Postgres
            ? "Host=127.0.0.1;Database=unused" : "Data Source=:memory:");

        Assert.False(runtime.Database.HasPendingModelChanges());
        Assert.Equal(design.Model.ToDebugString(), runtime.Model.ToDebugString());
    }
}
