using Microsoft.EntityFrameworkCore;
using Platform.ServiceDefaults;

namespace Platform.Identity.Data.Migrations;

// One context type per provider, each with its own migration set (Postgres/, Sqlite/): the service resolves
// IdentityServiceDbContext and gets the one of the configured provider (ServiceDatabase). Add migrations with
// tests/tools/add-migration.sh NAME, never by hand.

/// <summary>IdentityServiceDbContext on PostgreSQL (deployed): its migrations are in Data/Migrations/Postgres.</summary>
[MigrationsProvider(DatabaseProvider.Postgres)]
public sealed class IdentityServicePostgresDbContext(DbContextOptions<IdentityServicePostgresDbContext> options) : IdentityServiceDbContext(options);

/// <summary>IdentityServiceDbContext on SQLite (the dev host): its migrations are in Data/Migrations/Sqlite.</summary>
[MigrationsProvider(DatabaseProvider.Sqlite)]
public sealed class IdentityServiceSqliteDbContext(DbContextOptions<IdentityServiceSqliteDbContext> options) : IdentityServiceDbContext(options);
