using Microsoft.EntityFrameworkCore;
using Platform.ServiceDefaults;

namespace Platform.RecordVault.Data.Migrations;

// One context type per provider, each with its own migration set (Postgres/, Sqlite/): the service resolves
// RecordVaultDbContext and gets the one of the configured provider (ServiceDatabase). Add migrations with
// tests/tools/add-migration.sh NAME, never by hand.

/// <summary>RecordVaultDbContext on PostgreSQL (deployed): its migrations are in Data/Migrations/Postgres.</summary>
[MigrationsProvider(DatabaseProvider.Postgres)]
public sealed class RecordVaultPostgresDbContext(DbContextOptions<RecordVaultPostgresDbContext> options) : RecordVaultDbContext(options);

/// <summary>RecordVaultDbContext on SQLite (the dev host): its migrations are in Data/Migrations/Sqlite.</summary>
[MigrationsProvider(DatabaseProvider.Sqlite)]
public sealed class RecordVaultSqliteDbContext(DbContextOptions<RecordVaultSqliteDbContext> options) : RecordVaultDbContext(options);
