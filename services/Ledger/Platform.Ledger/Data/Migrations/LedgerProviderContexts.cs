using Microsoft.EntityFrameworkCore;
using Platform.ServiceDefaults;

namespace Platform.Ledger.Data.Migrations;

// One context type per provider, each with its own migration set (Postgres/, Sqlite/): the service resolves
// LedgerDbContext and gets the one of the configured provider (ServiceDatabase). Add migrations with
// tests/tools/add-migration.sh NAME, never by hand.

/// <summary>LedgerDbContext on PostgreSQL (deployed): its migrations are in Data/Migrations/Postgres.</summary>
[MigrationsProvider(DatabaseProvider.Postgres)]
public sealed class LedgerPostgresDbContext(DbContextOptions<LedgerPostgresDbContext> options) : LedgerDbContext(options);

/// <summary>LedgerDbContext on SQLite (the dev host): its migrations are in Data/Migrations/Sqlite.</summary>
[MigrationsProvider(DatabaseProvider.Sqlite)]
public sealed class LedgerSqliteDbContext(DbContextOptions<LedgerSqliteDbContext> options) : LedgerDbContext(options);
