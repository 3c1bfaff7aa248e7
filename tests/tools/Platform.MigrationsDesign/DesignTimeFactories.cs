using Platform.Consent.Data.Migrations;
using Platform.Identity.Data.Migrations;
using Platform.Ledger.Data.Migrations;
using Platform.RecordVault.Data.Migrations;
using Platform.ServiceDefaults;

namespace Platform.MigrationsDesign;

// dotnet ef finds a context's factory by its type; one per migrations context, all built like the services build them.

public sealed class IdentityServicePostgresFactory : ServiceDbContextDesignTimeFactory<IdentityServicePostgresDbContext>;

public sealed class IdentityServiceSqliteFactory : ServiceDbContextDesignTimeFactory<IdentityServiceSqliteDbContext>;

public sealed class ConsentPostgresFactory : ServiceDbContextDesignTimeFactory<ConsentPostgresDbContext>;

public sealed class ConsentSqliteFactory : ServiceDbContextDesignTimeFactory<ConsentSqliteDbContext>;

public sealed class RecordVaultPostgresFactory : ServiceDbContextDesignTimeFactory<RecordVaultPostgresDbContext>;

public sealed class RecordVaultSqliteFactory : ServiceDbContextDesignTimeFactory<RecordVaultSqliteDbContext>;

public sealed class LedgerPostgresFactory : ServiceDbContextDesignTimeFactory<LedgerPostgresDbContext>;

public sealed class LedgerSqliteFactory : ServiceDbContextDesignTimeFactory<LedgerSqliteDbContext>;
