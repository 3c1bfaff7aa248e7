using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Platform.Consent;
using Platform.Identity;
using Platform.Ledger;
using Platform.RecordVault;
using Platform.ServiceDefaults;

namespace Platform.Services.Tests.Migrations;

/// <summary>
/// Every service database's migrations contexts, found the way the services find them (the
/// [MigrationsProvider] subclasses of each DbContext in the service assemblies), so a new context or service
/// assembly shows up here without anyone listing it.
/// </summary>
public static class MigrationContexts
{
    /// <summary>The service name (ConnectionStrings key) of each service assembly.</summary>
    public static readonly IReadOnlyDictionary<Assembly, string> Services = new Dictionary<Assembly, string>
    {
        [typeof(IdentityService).Assembly] = IdentityService.Identity.Name,
        [typeof(ConsentService).Assembly] = ConsentService.Identity.Name,
        [typeof(RecordVaultService).Assembly] = RecordVaultService.Identity.Name,
        [typeof(LedgerService).Assembly] = LedgerService.Identity.Name,
    };

    /// <summary>The DbContext types the services register (the ones their migrations contexts derive from).</summary>
    public static IEnumerable<Type> ServiceContexts =>
        Services.Keys.SelectMany(a => a.GetTypes())
            .Where(t => t.IsSubclassOf(typeof(DbContext)) && !t.IsAbstract && t.GetCustomAttribute<MigrationsProviderAttribute>() is null);

    public static IEnumerable<Type> All =>
        Services.Keys.SelectMany(a => a.GetTypes()).Where(t => t.GetCustomAttribute<MigrationsProviderAttribute>() is not null);

    public static TheoryData<string> Names(DatabaseProvider? provider = null) =>
        [.. All.Where(t => provider is null || ProviderOf(t) == provider).Select(t => t.Name).Order()];

    public static Type Find(string name) => All.Single(t => t.Name == name);

    public static DatabaseProvider ProviderOf(Type context) => context.GetCustomAttribute<MigrationsProviderAttribute>()!.Provider;

    /// <summary>The service name whose database the context is.</summary>
    public static string ServiceOf(Type context) => Services[context.Assembly];

    /// <summary>A context on <paramref name="connectionString"/>, built with the services' own options.</summary>
    public static DbContext Create(Type context, string connectionString)
    {
        var builder = (DbContextOptionsBuilder)Activator.CreateInstance(typeof(DbContextOptionsBuilder<>).MakeGenericType(context))!;
        builder.UseServiceProvider(ProviderOf(context), connectionString);
        return (DbContext)Activator.CreateInstance(context, builder.Options)!;
    }

    /// <summary>A context the way dotnet ef creates it (the design-time factory, placeholder connection).</summary>
    public static DbContext CreateForDesign(Type context)
    {
        var factory = Activator.CreateInstance(typeof(ServiceDbContextDesignTimeFactory<>).MakeGenericType(context))!;
        return (DbContext)factory.GetType().GetMethod("CreateDbContext")!.Invoke(factory, [Array.Empty<string>()])!;
    }
}
