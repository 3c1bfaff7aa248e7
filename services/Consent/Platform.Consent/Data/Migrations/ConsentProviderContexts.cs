using Microsoft.EntityFrameworkCore;
using Platform.ServiceDefaults;

namespace Platform.Consent.Data.Migrations;

// One context type per provider, each with its own migration set (Postgres/, Sqlite/): the service resolves
// ConsentDbContext and gets the one of the configured provider (ServiceDatabase). Add migrations with
// tests/tools/add-migration.sh NAME, never by hand.

/// <summary>ConsentDbContext on PostgreSQL (deployed): its migrations are in Data/Migrations/Postgres.</summary>
[MigrationsProvider(DatabaseProvider.Postgres)]
public sealed class ConsentPostgresDbContext(DbContextOptions<ConsentPostgresDbContext> options) : ConsentDbContext(options);

/// <summary>ConsentDbContext on SQLite (the dev host): its migrations are in Data/Migrations/Sqlite.</summary>
[MigrationsProvider(DatabaseProvider.Sqlite)]
public sealed class ConsentSqliteDbContext(DbContextOptions<ConsentSqliteDbContext> options) : ConsentDbContext(options);
